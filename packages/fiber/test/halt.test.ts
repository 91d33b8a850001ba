import { Cancelled } from '@spindle/core-context';
import { ManualExecutor } from '@spindle/executor';
import { describe, expect, it } from 'vitest';
import { current, spawnWith } from '../src/index.js';
import { TestEvent, TokenLock } from './helpers.js';

function rejection(promise: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(promise).then(
    () => 'resolved',
    (error: unknown) => error,
  );
}

describe('halt', () => {
  it('runs finally blocks of a parked fiber and removes it from the waitable', async () => {
    const exec = new ManualExecutor();
    const event = new TestEvent<number>();
    const log: string[] = [];
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        yield event;
        log.push('woken');
      } finally {
        log.push('finally');
      }
    });
    exec.drain();
    expect(event.waiters.size).toBe(1);
    fiber.halt();
    expect(event.waiters.size).toBe(0);
    expect(fiber.status).toBe('halting');
    exec.drain();
    expect(log).toEqual(['finally']);
    expect(fiber.status).toBe('halted');
    expect(event.wakeOne(1)).toBe(false);
    expect(await rejection(fiber)).toBeInstanceOf(Cancelled);
  });

  it('lets a finally block wait, and finishes the halt after that wait', () => {
    const exec = new ManualExecutor();
    const during = new TestEvent<number>();
    const cleanup = new TestEvent<string>();
    const log: string[] = [];
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        yield during;
      } finally {
        log.push(`cleanup got ${yield cleanup}`);
      }
    });
    exec.drain();
    fiber.halt();
    exec.drain();
    expect(fiber.status).toBe('halting');
    expect(fiber.waitingOn()).toBe('TestEvent');
    expect(cleanup.waiters.size).toBe(1);
    cleanup.wakeOne('flushed');
    exec.drain();
    expect(log).toEqual(['cleanup got flushed']);
    expect(fiber.status).toBe('halted');
  });

  it('ends as halted when a wait that the halt interrupted unwinds with Cancelled', async () => {
    const exec = new ManualExecutor();
    const cleanup = new TestEvent<string>();
    const log: string[] = [];
    // The waiter's cancellation, as a withdrawn Condition.wait throws it.
    const interrupted = (): never => {
      throw current()!.token.reason;
    };
    // Like a condition wait: on return() it first waits (to retake a lock), then goes on
    // unwinding by throwing the fiber's Cancelled, since a yield* cannot resume the return().
    function* retakeThenCancel(): Generator<unknown, void, unknown> {
      try {
        yield new TestEvent();
      } finally {
        yield cleanup;
        interrupted();
      }
    }
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        yield* retakeThenCancel();
      } finally {
        log.push('outer finally');
      }
    });
    exec.drain();
    fiber.halt();
    exec.drain();
    expect(fiber.status).toBe('halting');
    cleanup.wakeOne('retaken');
    exec.drain();
    expect(log).toEqual(['outer finally']);
    expect(fiber.status).toBe('halted');
    expect(await rejection(fiber)).toBeInstanceOf(Cancelled);
  });

  it('still fails when its cleanup throws something other than Cancelled', async () => {
    const exec = new ManualExecutor();
    const broken = (): never => {
      throw new RangeError('cleanup broke');
    };
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        yield new TestEvent();
      } finally {
        broken();
      }
    });
    fiber.join().then(undefined, () => {});
    exec.drain();
    fiber.halt();
    exec.drain();
    expect(fiber.status).toBe('failed');
    await expect(fiber).rejects.toHaveProperty('cause', expect.any(RangeError));
  });

  it('gives back a result the fiber was handed but did not consume (restore)', () => {
    const exec = new ManualExecutor();
    const lock = new TokenLock();
    const holder = spawnWith({ executor: exec }, function* () {
      yield lock;
      yield new TestEvent();
    });
    const waiter = spawnWith({ executor: exec }, function* () {
      yield lock;
      lockedBy.push('waiter');
    });
    const third = spawnWith({ executor: exec }, function* () {
      yield lock;
      lockedBy.push('third');
      lock.unlock();
    });
    const lockedBy: string[] = [];
    exec.drain();
    expect(lock.waiters.size).toBe(2);
    // The holder lets go: the lock goes to `waiter`, which is halted before it runs.
    holder.halt();
    lock.unlock();
    expect(waiter.status).toBe('ready');
    waiter.halt();
    expect(lock.restored).toBe(1);
    exec.drain();
    expect(waiter.status).toBe('halted');
    expect(third.status).toBe('done');
    expect(lockedBy).toEqual(['third']);
    expect(lock.held).toBe(false);
  });

  it('halts a fiber that has not started without running its body', () => {
    const exec = new ManualExecutor();
    let ran = false;
    const fiber = spawnWith({ executor: exec }, function* () {
      ran = true;
    });
    fiber.halt();
    expect(fiber.status).toBe('halting');
    exec.drain();
    expect(ran).toBe(false);
    expect(fiber.status).toBe('halted');
  });

  it('halts a fiber waiting in the run queue after a reschedule', () => {
    const exec = new ManualExecutor();
    const log: string[] = [];
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        yield;
        log.push('resumed');
      } finally {
        log.push('finally');
      }
    });
    exec.runNext();
    fiber.halt();
    exec.drain();
    expect(log).toEqual(['finally']);
  });

  it('halts itself at its next yield', () => {
    const exec = new ManualExecutor();
    const log: string[] = [];
    const event = new TestEvent();
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        current()!.halt();
        log.push('still running');
        yield event;
        log.push('not reached');
      } finally {
        log.push('finally');
      }
    });
    exec.drain();
    expect(log).toEqual(['still running', 'finally']);
    expect(event.waiters.size).toBe(0);
    expect(fiber.status).toBe('halted');
  });

  it('halts a fiber that is halted by another while its park is in progress', () => {
    const exec = new ManualExecutor();
    const log: string[] = [];
    let victim: ReturnType<typeof spawnWith<[], void>>;
    const sneaky = {
      waiters: [] as unknown[],
      park(waiter: unknown) {
        this.waiters.push(waiter);
        victim.halt();
      },
      unpark(waiter: unknown) {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        return i >= 0;
      },
    };
    victim = spawnWith({ executor: exec }, function* () {
      try {
        yield sneaky;
      } finally {
        log.push('finally');
      }
    });
    exec.drain();
    expect(sneaky.waiters).toEqual([]);
    expect(log).toEqual(['finally']);
    expect(victim.status).toBe('halted');
  });

  it('gives back a result its park delivered after it halted itself inside that park (restore)', () => {
    const exec = new ManualExecutor();
    const restored: string[] = [];
    let got = 'nothing';
    const handsOutAPermit = {
      park(waiter: { wake(value: string): boolean }) {
        current()!.halt();
        waiter.wake('permit');
      },
      unpark: () => false,
      restore(value: string) {
        restored.push(value);
      },
    };
    const fiber = spawnWith({ executor: exec }, function* () {
      got = (yield handsOutAPermit) as string;
    });
    exec.drain();
    expect(got).toBe('nothing');
    expect(restored).toEqual(['permit']);
    expect(fiber.status).toBe('halted');
  });

  it('reports a finally block that throws as the failure', async () => {
    const exec = new ManualExecutor();
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        yield new TestEvent();
      } finally {
        // biome-ignore lint/correctness/noUnsafeFinally: the test is about a throwing finally
        throw new Error('cleanup failed');
      }
    });
    exec.drain();
    fiber.halt();
    const outcome = rejection(fiber);
    exec.drain();
    expect(fiber.status).toBe('failed');
    expect(((await outcome) as Error).cause).toEqual(new Error('cleanup failed'));
  });

  it('does nothing to a finished fiber', async () => {
    const exec = new ManualExecutor();
    const fiber = spawnWith({ executor: exec }, function* () {
      return 7;
    });
    exec.drain();
    fiber.halt();
    expect(fiber.status).toBe('done');
    expect(exec.pending).toBe(0);
    expect(await fiber).toBe(7);
  });

  it('withdraws a halted joiner from the fiber it joins', () => {
    const exec = new ManualExecutor();
    const event = new TestEvent<number>();
    const child = spawnWith({ executor: exec }, function* () {
      return (yield event) as number;
    });
    const parent = spawnWith({ executor: exec }, function* () {
      return yield child;
    });
    exec.drain();
    parent.halt();
    exec.drain();
    expect(parent.status).toBe('halted');
    event.wakeOne(1);
    exec.drain();
    expect(child.status).toBe('done');
  });
});

describe('halt when the waitable cannot withdraw the fiber', () => {
  const unparkBreaks = (onPark: () => void) => ({
    park(): void {
      onPark();
    },
    unpark(): never {
      throw new Error('unpark broke');
    },
  });

  it('throws the unpark error into a fiber that halted itself inside park, and it ends', () => {
    const exec = new ManualExecutor();
    const log: string[] = [];
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        yield unparkBreaks(() => current()!.halt());
      } catch (error) {
        log.push(`caught ${(error as Error).message}`);
      } finally {
        log.push('finally');
      }
      yield; // the halt takes effect here
      log.push('not reached');
    });
    expect(() => exec.drain()).not.toThrow();
    expect(log).toEqual(['caught unpark broke', 'finally']);
    expect(fiber.status).toBe('halted');
  });

  it('halting a parked fiber from outside throws the unpark error into it, and it unwinds', async () => {
    const exec = new ManualExecutor();
    const log: string[] = [];
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        yield unparkBreaks(() => {});
      } finally {
        log.push('finally');
      }
    });
    exec.drain();
    expect(() => fiber.halt()).not.toThrow();
    exec.drain();
    expect(log).toEqual(['finally']);
    expect(fiber.status).toBe('failed');
    expect(((await rejection(fiber)) as Error & { cause: Error }).cause.message).toBe('unpark broke');
  });
});
