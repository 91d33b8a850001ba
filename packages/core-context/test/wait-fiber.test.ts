import { describe, expect, it } from 'vitest';
import { bounded, Cancelled, TimeoutError, type Waitable } from '../src/index.js';
import { InlineExecutor, ManualExecutor } from './support/inline-executor.js';
import { seededRandom, testSeeds } from './support/seeded.js';
import { TinyFiber } from './support/tiny-fiber.js';
import { Mailbox, OneShotEvent } from './support/waitables.js';

describe('wait protocol from a generator driver (yield*)', () => {
  it('yield* on an Operation parks the fiber itself and resumes it with the result', () => {
    const executor = new InlineExecutor();
    const event = new OneShotEvent<number>();
    const fiber = new TinyFiber(executor, function* () {
      const value = yield* event;
      return value * 2;
    }).start();
    expect(fiber.status).toBe('suspended');
    expect(event.waiting).toBe(1);
    event.set(21);
    expect(fiber.status).toBe('done');
    expect(fiber.result).toBe(42);
  });

  it('a ready result resumes the fiber without parking it anywhere', () => {
    const executor = new InlineExecutor();
    const event = new OneShotEvent<string>();
    event.set('ready');
    const fiber = new TinyFiber(executor, function* () {
      return `${yield* event}!`;
    }).start();
    expect(fiber.result).toBe('ready!');
  });

  it('a failure handed to the fiber is thrown at its yield*', async () => {
    const executor = new InlineExecutor();
    const event = new OneShotEvent<number>();
    const fiber = new TinyFiber(executor, function* () {
      try {
        return yield* bounded(event, { timeout: 5 });
      } catch (error) {
        return error;
      }
    }).start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fiber.result).toBeInstanceOf(TimeoutError);
    expect(event.waiting).toBe(0);
  });

  it('two fibers can yield* the same bounded() operation', () => {
    const executor = new InlineExecutor();
    const event = new OneShotEvent<number>();
    const withDeadline = bounded(event, { timeout: 60_000 });
    const body = function* () {
      return yield* withDeadline;
    };
    const first = new TinyFiber(executor, body).start();
    const second = new TinyFiber(executor, body).start();
    expect(event.waiting).toBe(2);
    event.set(3);
    expect([first.result, second.result]).toEqual([3, 3]);
  });

  it('an aborted bounded wait surfaces Cancelled inside the fiber', () => {
    const executor = new InlineExecutor();
    const event = new OneShotEvent<number>();
    const controller = new AbortController();
    const fiber = new TinyFiber(executor, function* () {
      return yield* bounded(event, { signal: controller.signal });
    }).start();
    controller.abort('stop');
    expect(fiber.error).toBeInstanceOf(Cancelled);
    expect((fiber.error as Cancelled).cause).toBe('stop');
    expect(fiber.status).toBe('failed');
  });

  it('halting a parked fiber withdraws it and runs its finally blocks', () => {
    const executor = new InlineExecutor();
    const event = new OneShotEvent<number>();
    const log: string[] = [];
    const fiber = new TinyFiber(executor, function* () {
      try {
        yield* event;
        log.push('not reached');
      } finally {
        log.push('cleaned up');
      }
    }).start();
    fiber.halt();
    expect(log).toEqual(['cleaned up']);
    expect(event.waiting).toBe(0);
    expect(fiber.status).toBe('done');
  });

  it('a value accepted by a fiber halted before it resumed goes back through restore to the next waiter', () => {
    const executor = new ManualExecutor();
    const mailbox = new Mailbox<string>();
    const first = new TinyFiber(executor, function* () {
      return yield* mailbox;
    }).start();
    const second = new TinyFiber(executor, function* () {
      return yield* mailbox;
    }).start();
    executor.runAll();
    mailbox.put('token');
    first.halt();
    executor.runAll();
    expect(first.status).toBe('done');
    expect(first.result).toBeUndefined();
    expect(second.result).toBe('token');
    expect(mailbox.undelivered).toEqual([]);
  });

  it('seeded schedules: every value put reaches exactly one fiber, whatever is halted', () => {
    for (const seed of testSeeds(20)) {
      const random = seededRandom(seed);
      const executor = new ManualExecutor();
      const mailbox = new Mailbox<number>();
      const fibers: TinyFiber<number>[] = [];
      let put = 0;
      for (let step = 0; step < 200; step++) {
        const choice = random();
        if (choice < 0.3) {
          fibers.push(new TinyFiber(executor, () => receiveOne(mailbox)).start());
        } else if (choice < 0.55) {
          mailbox.put(put++);
        } else if (choice < 0.7 && fibers.length > 0) {
          fibers[Math.floor(random() * fibers.length)]!.halt();
        } else {
          executor.runOne();
        }
      }
      executor.runAll();
      const received = fibers
        .filter((f) => f.status === 'done' && f.result !== undefined)
        .map((f) => f.result);
      const delivered = [...received, ...mailbox.undelivered].sort((a, b) => a! - b!);
      expect(delivered, `seed ${seed} (replay with SPINDLE_SEED=${seed})`).toEqual(
        Array.from({ length: put }, (_, i) => i),
      );
    }
  });
});

function* receiveOne(source: Waitable<number>): Generator<Waitable<unknown>, number, unknown> {
  return (yield source) as number;
}
