import { bounded, Cancelled, CancelSource, type Waitable, type Waiter } from '@spindle/core-context';
import { ManualExecutor } from '@spindle/executor';
import { describe, expect, it, vi } from 'vitest';
import { spawnWith } from '../src/index.js';
import { LateCancel, TestEvent } from './helpers.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("a wait whose withdrawal answers 'pending'", () => {
  it('keeps a halted fiber parked until the final value, gives it back, then unwinds', async () => {
    const exec = new ManualExecutor();
    const read = new LateCancel<number>();
    const log: string[] = [];
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        log.push(`read ${yield read}`);
      } finally {
        log.push('finally');
      }
    });
    exec.drain();
    fiber.halt();
    exec.drain();
    expect(fiber.status).toBe('halting');
    expect(log).toEqual([]); // shielded: no cleanup while the read may still write
    fiber.halt(); // a second halt cannot end the shield: one outcome is still coming
    exec.drain();
    expect(log).toEqual([]);
    // The cancel completes on a later turn, and the read won the race: the value goes back.
    const accepted = new Promise<boolean>((resolve) =>
      setImmediate(() => resolve(read.complete({ value: 42 }))),
    );
    expect(await accepted).toBe(true);
    expect(read.restored).toEqual([42]);
    exec.drain();
    expect(log).toEqual(['finally']);
    expect(fiber.status).toBe('halted');
  });

  it('drops a final failure (the cancel took effect) and ends halted', async () => {
    const exec = new ManualExecutor();
    const read = new LateCancel<number>();
    const fiber = spawnWith({ executor: exec }, function* () {
      yield read;
    });
    exec.drain();
    fiber.halt();
    await nextTurn();
    exec.drain();
    expect(fiber.status).toBe('halting');
    expect(read.complete({ error: new Error('ECANCELED') })).toBe(true);
    expect(read.restored).toEqual([]);
    exec.drain();
    expect(fiber.status).toBe('halted');
  });

  it('waits for the final outcome of a cleanup wait cancelled by the grace, then throws the grace Cancelled', () => {
    const exec = new ManualExecutor();
    const read = new LateCancel<number>();
    let seen: unknown;
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        yield new TestEvent();
      } finally {
        try {
          yield read;
        } catch (error) {
          seen = error;
        }
      }
    });
    exec.drain();
    fiber.halt();
    exec.drain();
    fiber.halt();
    exec.drain();
    expect(seen).toBeUndefined();
    expect(fiber.status).toBe('halting');
    read.complete({ value: 5 });
    exec.drain();
    expect(read.restored).toEqual([5]);
    expect(seen).toBeInstanceOf(Cancelled);
    expect(fiber.status).toBe('halted');
  });

  it('a token limit on the wait waits for the final outcome too (a failure becomes the limit error)', async () => {
    const exec = new ManualExecutor();
    const read = new LateCancel<number>();
    const source = new CancelSource();
    const log: string[] = [];
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        yield* bounded(read, { token: source.token });
      } catch (error) {
        log.push(`limit: ${(error as Cancelled).token === source.token}`);
      }
    });
    exec.drain();
    source.cancel();
    exec.drain();
    expect(fiber.status).toBe('suspended');
    await nextTurn();
    read.complete({ error: new Error('ECANCELED') });
    exec.drain();
    expect(log).toEqual(['limit: true']);
    expect(fiber.status).toBe('done');
  });

  it('a timeout on the wait delivers a value that won the race', async () => {
    vi.useFakeTimers();
    try {
      const exec = new ManualExecutor();
      const read = new LateCancel<number>();
      const fiber = spawnWith({ executor: exec }, function* () {
        return yield* bounded(read, { timeout: 10 });
      });
      exec.drain();
      expect(read.cancelling).toEqual([]);
      vi.advanceTimersByTime(10);
      exec.drain();
      expect(read.cancelling.length).toBe(1);
      expect(fiber.status).toBe('suspended');
      read.complete({ value: 9 });
      exec.drain();
      expect(await fiber).toBe(9);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a claim taken and released meanwhile asks for no second cancel: it still waits for the final outcome', () => {
    const exec = new ManualExecutor();
    const read = new LateCancel<number>();
    let unparks = 0;
    const counted: Waitable<number> = {
      park: (waiter) => read.park(waiter),
      unpark: (waiter) => {
        unparks++;
        return read.unpark(waiter);
      },
      restore: (value) => read.restore(value),
    };
    const log: string[] = [];
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        yield counted;
      } finally {
        log.push('finally');
      }
    });
    exec.drain();
    fiber.halt();
    exec.drain();
    const waiter = read.cancelling[0]!;
    // A two-sided step touches the waiter, then falls through.
    expect(waiter.claim()).toBe(true);
    waiter.release();
    exec.drain();
    expect(unparks).toBe(1);
    expect(log).toEqual([]);
    expect(fiber.status).toBe('halting');
    expect(read.complete({ value: 3 })).toBe(true);
    expect(read.restored).toEqual([3]);
    exec.drain();
    expect(log).toEqual(['finally']);
    expect(fiber.status).toBe('halted');
  });

  it('a claim on a pending wait may settle its final outcome', () => {
    const exec = new ManualExecutor();
    const read = new LateCancel<number>();
    const fiber = spawnWith({ executor: exec }, function* () {
      yield read;
    });
    exec.drain();
    fiber.halt();
    exec.drain();
    const waiter = read.cancelling.shift()!;
    expect(waiter.claim()).toBe(true);
    expect(waiter.wake(1)).toBe(false); // claimed: only its settle counts
    waiter.settle(true, 8);
    expect(read.restored).toEqual([8]);
    exec.drain();
    expect(fiber.status).toBe('halted');
  });
});

/** Captures the fiber as a Waiter, so the test drives the claim protocol by hand. */
class Captured<T> implements Waitable<T> {
  waiter: Waiter<T> | null = null;
  unparked = 0;
  restored: T[] = [];

  park(waiter: Waiter<T>): void {
    this.waiter = waiter;
  }

  unpark(waiter: Waiter<T>): boolean {
    this.unparked++;
    if (this.waiter !== waiter) return false;
    this.waiter = null;
    return true;
  }

  restore(value: T): void {
    this.restored.push(value);
  }
}

describe('the claim protocol of a fiber', () => {
  it('claim reserves the fiber, release gives it back, settle delivers', () => {
    const exec = new ManualExecutor();
    const wait = new Captured<string>();
    const fiber = spawnWith({ executor: exec }, function* () {
      return (yield wait) as string;
    });
    exec.drain();
    const waiter = wait.waiter!;
    expect(waiter.group).toBe(waiter);
    expect(waiter.token).toBe(fiber.token);
    expect(waiter.claim()).toBe(true);
    expect(waiter.claim()).toBe(false);
    expect(waiter.wake('refused')).toBe(false);
    waiter.release();
    expect(waiter.claim()).toBe(true);
    waiter.settle(true, 'delivered');
    expect(waiter.claim()).toBe(false);
    expect(waiter.wake('late')).toBe(false);
    exec.drain();
    expect(fiber.status).toBe('done');
    return expect(fiber).resolves.toBe('delivered');
  });

  it('refuses a settle without a claim', () => {
    const exec = new ManualExecutor();
    const wait = new Captured<string>();
    spawnWith({ executor: exec }, function* () {
      yield wait;
    });
    exec.drain();
    expect(() => wait.waiter!.settle(true, 'x')).toThrow(/without a claim/);
  });

  it('a halt while claimed waits for the settle, and gives the value back', () => {
    const exec = new ManualExecutor();
    const wait = new Captured<string>();
    const fiber = spawnWith({ executor: exec }, function* () {
      yield wait;
    });
    exec.drain();
    const waiter = wait.waiter!;
    expect(waiter.claim()).toBe(true);
    fiber.halt();
    expect(wait.unparked).toBe(0); // not withdrawn under a held claim
    waiter.settle(true, 'lock token');
    expect(wait.restored).toEqual(['lock token']);
    exec.drain();
    expect(fiber.status).toBe('halted');
  });

  it('a halt while claimed withdraws the fiber once the claim is released', () => {
    const exec = new ManualExecutor();
    const wait = new Captured<string>();
    const fiber = spawnWith({ executor: exec }, function* () {
      yield wait;
    });
    exec.drain();
    const waiter = wait.waiter!;
    expect(waiter.claim()).toBe(true);
    fiber.halt();
    waiter.release();
    expect(wait.unparked).toBe(1);
    expect(waiter.claim()).toBe(false);
    exec.drain();
    expect(fiber.status).toBe('halted');
    expect(wait.restored).toEqual([]);
  });
});
