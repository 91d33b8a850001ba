import { Cancelled, type CancelToken, TimeoutError, type Waiter } from '@spindle/core-context';
import { ManualExecutor } from '@spindle/executor';
import { describe, expect, it } from 'vitest';
import { type Fiber, spawn, spawnWith } from '../src/index.js';
import { TestEvent } from './helpers.js';

/** A fiber whose cleanup waits on `cleanup` (forever unless woken) and logs how that wait ended. */
function cleanupWaiter(
  exec: ManualExecutor | undefined,
  cleanup: TestEvent<string>,
  log: string[],
  graceMs?: number,
) {
  return spawnWith({ executor: exec, graceMs }, function* () {
    try {
      yield new TestEvent();
    } finally {
      try {
        log.push(`cleanup got ${yield cleanup}`);
      } catch (error) {
        log.push(`cleanup wait threw ${(error as Error).name}`);
        // biome-ignore lint/correctness/noUnsafeFinally: the cleanup lets its Cancelled go on
        throw error;
      }
    }
  });
}

describe('the grace of a halted fiber', () => {
  it('a second halt cancels the wait of a cleanup that would wait forever', async () => {
    const exec = new ManualExecutor();
    const cleanup = new TestEvent<string>();
    const log: string[] = [];
    const fiber = cleanupWaiter(exec, cleanup, log);
    exec.drain();
    fiber.halt();
    exec.drain();
    expect(fiber.status).toBe('halting');
    expect(cleanup.waiters.size).toBe(1);
    fiber.halt('now');
    expect(cleanup.waiters.size).toBe(0);
    exec.drain();
    expect(log).toEqual(['cleanup wait threw Cancelled']);
    expect(fiber.status).toBe('halted');
    const joined = await fiber.then(
      () => null,
      (error: Cancelled) => error,
    );
    expect(joined).toBeInstanceOf(Cancelled);
  });

  it('throws the grace token Cancelled (not the fiber token) at the cleanup wait', () => {
    const exec = new ManualExecutor();
    let seen: Cancelled | null = null;
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        yield new TestEvent();
      } finally {
        try {
          yield new TestEvent();
        } catch (error) {
          seen = error as Cancelled;
        }
      }
    });
    exec.drain();
    fiber.halt();
    exec.drain();
    fiber.halt('second');
    exec.drain();
    expect(seen).toBeInstanceOf(Cancelled);
    expect(seen!.token).not.toBe(fiber.token);
    expect(seen!.token!.cancelled).toBe(true);
    expect(seen!.cause).toBe('second');
    expect(fiber.status).toBe('halted');
  });

  it('fails every later cleanup wait at once after the grace ended (a caught Cancelled does not reopen it)', () => {
    const exec = new ManualExecutor();
    const log: string[] = [];
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        yield new TestEvent();
      } finally {
        for (let attempt = 0; attempt < 3; attempt++) {
          try {
            yield new TestEvent();
          } catch {
            log.push(`attempt ${attempt} cancelled`);
          }
        }
      }
    });
    exec.drain();
    fiber.halt();
    exec.drain();
    fiber.halt();
    exec.drain();
    expect(log).toEqual(['attempt 0 cancelled', 'attempt 1 cancelled', 'attempt 2 cancelled']);
    expect(fiber.status).toBe('halted');
  });

  it('cancels the cleanup wait at the grace deadline', async () => {
    const cleanup = new TestEvent<string>();
    const log: string[] = [];
    let reason: unknown;
    const fiber = spawnWith({ graceMs: 0 }, function* () {
      try {
        yield new TestEvent();
      } finally {
        try {
          yield cleanup;
        } catch (error) {
          reason = error;
          log.push('deadline');
        }
      }
    });
    await new Promise((resolve) => setImmediate(resolve));
    await fiber.halt();
    expect(log).toEqual(['deadline']);
    expect(reason).toBeInstanceOf(Cancelled);
    expect((reason as Cancelled).cause).toBeInstanceOf(TimeoutError);
    expect(fiber.status).toBe('halted');
    expect(cleanup.waiters.size).toBe(0);
  });

  it('lets a cleanup that finishes in time finish normally', () => {
    const exec = new ManualExecutor();
    const cleanup = new TestEvent<string>();
    const log: string[] = [];
    const fiber = cleanupWaiter(exec, cleanup, log, Number.POSITIVE_INFINITY);
    exec.drain();
    fiber.halt();
    exec.drain();
    cleanup.wakeOne('flushed');
    exec.drain();
    expect(log).toEqual(['cleanup got flushed']);
    expect(fiber.status).toBe('halted');
  });

  it('runs fibers spawned by a cleanup under its grace, and halts them when that grace ends', () => {
    const exec = new ManualExecutor();
    const log: string[] = [];
    let helper: Fiber<void> | null = null;
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        yield new TestEvent();
      } finally {
        helper = spawn(function* () {
          try {
            yield new TestEvent();
          } finally {
            log.push('helper finally');
          }
        });
        yield helper;
      }
    });
    exec.drain();
    fiber.halt();
    exec.drain();
    expect(helper!.status).toBe('suspended');
    fiber.halt();
    exec.drain();
    expect(log).toEqual(['helper finally']);
    expect(helper!.status).toBe('halted');
    expect(fiber.status).toBe('halted');
  });

  it('a second halt cuts short the cleanups of the children already halting with it', () => {
    const exec = new ManualExecutor();
    const log: string[] = [];
    let child: Fiber<void> | null = null;
    const foreverCleanup = (name: string) =>
      function* () {
        try {
          yield new TestEvent();
        } finally {
          try {
            yield new TestEvent();
          } catch (error) {
            log.push(`${name} cleanup ${(error as Error).name}`);
          }
        }
      };
    const parent = spawnWith({ executor: exec }, function* () {
      child = spawn(foreverCleanup('child'));
      yield* foreverCleanup('parent')();
    });
    exec.drain();
    parent.halt();
    exec.drain();
    expect([parent.status, child!.status]).toEqual(['halting', 'halting']);
    parent.halt();
    exec.drain();
    expect(log.sort()).toEqual(['child cleanup Cancelled', 'parent cleanup Cancelled']);
    expect([parent.status, child!.status]).toEqual(['halted', 'halted']);
  });

  it('waits in its cleanup under the grace token, which a waitable sees as the waiter token', () => {
    const exec = new ManualExecutor();
    const tokens: (CancelToken | undefined)[] = [];
    const recorder = {
      park(waiter: Waiter) {
        tokens.push(waiter.token);
      },
      unpark: () => true,
    };
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        yield recorder;
      } finally {
        yield recorder;
      }
    });
    exec.drain();
    fiber.halt();
    exec.drain();
    expect(tokens[0]).toBe(fiber.token);
    expect(tokens[1]).not.toBe(fiber.token);
    expect(tokens[1]!.cancelled).toBe(false); // a select case lost here would leave no trace
    fiber.halt();
    expect(tokens[1]!.cancelled).toBe(true);
    exec.drain();
    expect(fiber.status).toBe('halted');
  });

  it('rejects bad spawn options at the call', () => {
    const body = function* () {};
    expect(() => spawnWith({ graceMs: -1 }, body)).toThrow(RangeError);
    expect(() => spawnWith({ graceMs: Number.NaN }, body)).toThrow(RangeError);
    expect(() => spawnWith({ token: {} as never }, body)).toThrow(TypeError);
    expect(() => spawnWith({ signal: {} as never }, body)).toThrow(TypeError);
    expect(() => spawnWith({ signal: new AbortController().signal, token: spawn(body).token }, body)).toThrow(
      TypeError,
    );
  });
});

describe('halt() as an operation', () => {
  it('completes once the cleanup has really finished', async () => {
    const exec = new ManualExecutor();
    const cleanup = new TestEvent<string>();
    const log: string[] = [];
    const fiber = cleanupWaiter(exec, cleanup, log);
    exec.drain();
    const ended = fiber.halt().then(() => log.push('halt completed'));
    exec.drain();
    await Promise.resolve();
    expect(fiber.status).toBe('halting');
    expect(log).toEqual([]);
    cleanup.wakeOne('done');
    exec.drain();
    await ended;
    expect(log).toEqual(['cleanup got done', 'halt completed']);
  });

  it('can be waited on from another fiber, and halts even when nobody waits', () => {
    const exec = new ManualExecutor();
    const cleanup = new TestEvent<string>();
    const log: string[] = [];
    const target = cleanupWaiter(exec, cleanup, log);
    const unwaited = spawnWith({ executor: exec }, function* () {
      yield new TestEvent();
    });
    const stopper = spawnWith({ executor: exec }, function* () {
      unwaited.halt();
      yield* target.halt();
      log.push('stopper saw the end');
    });
    exec.drain();
    expect(unwaited.status).toBe('halted');
    expect(stopper.status).toBe('suspended');
    cleanup.wakeOne('ok');
    exec.drain();
    expect(log).toEqual(['cleanup got ok', 'stopper saw the end']);
    expect(stopper.status).toBe('done');
  });

  it('completes at once for a fiber that already ended, whatever its outcome', async () => {
    const exec = new ManualExecutor();
    const fiber = spawnWith({ executor: exec }, function* () {
      return 1;
    });
    exec.drain();
    await expect(fiber.halt()).resolves.toBeUndefined();
    expect(fiber.status).toBe('done');
  });
});
