import { bounded } from '@spindle/core-context';
import { ManualExecutor } from '@spindle/executor';
import { describe, expect, it, vi } from 'vitest';
import { type FiberFailedError, run, spawnWith, waitPromise } from '../src/index.js';
import { TestEvent } from './helpers.js';

describe('promise interop', () => {
  it('waits on promises inside a fiber, bare or through waitPromise', async () => {
    const value = await run(function* () {
      const a: number = yield Promise.resolve(1);
      const b = yield* waitPromise(Promise.resolve(2));
      try {
        yield Promise.reject(new Error('no'));
      } catch (error) {
        return a + b + (error as Error).message.length;
      }
      return 0;
    });
    expect(value).toBe(5);
  });

  it('awaits a fiber from async code and runs a generator function as a promise', async () => {
    const exec = new ManualExecutor();
    const fiber = spawnWith({ executor: exec }, function* () {
      yield;
      return 'from fiber';
    });
    const awaited = (async () => await fiber)();
    exec.drain();
    expect(await awaited).toBe('from fiber');
    await expect(
      run(function* () {
        throw new Error('inside');
      }),
    ).rejects.toMatchObject({ code: 'ERR_SPINDLE_FIBER_FAILED', cause: { message: 'inside' } });
  });

  it('drops a halted fiber from a promise wait, and the promise wakes nobody', async () => {
    const exec = new ManualExecutor();
    let resolve!: (v: number) => void;
    const promise = new Promise<number>((r) => {
      resolve = r;
    });
    const wait = waitPromise(promise);
    const fiber = spawnWith({ executor: exec }, function* () {
      yield wait;
    });
    exec.drain();
    expect(fiber.waitingOn()).toBe('a pending promise');
    fiber.halt();
    exec.drain();
    resolve(1);
    await promise;
    expect(exec.pending).toBe(0);
    expect(fiber.status).toBe('halted');
    expect(await wait).toBe(1);
  });

  it('parks async waiters on any waitable the fiber side uses', async () => {
    const event = new TestEvent<string>();
    const pending = event.then((v) => `async got ${v}`);
    expect(event.waiters.size).toBe(1);
    event.wakeOne('x');
    expect(await pending).toBe('async got x');
  });

  it('rejects a non-thenable', () => {
    expect(() => waitPromise(5 as never)).toThrow(TypeError);
  });
});

describe('bounded waits', () => {
  it('times out a fiber wait through core-context bounded() and withdraws it', async () => {
    vi.useFakeTimers();
    try {
      const exec = new ManualExecutor();
      const event = new TestEvent<number>();
      const fiber = spawnWith({ executor: exec }, function* () {
        try {
          return yield* bounded(event, { timeout: 50 });
        } catch (error) {
          return (error as Error).name;
        }
      });
      exec.drain();
      expect(event.waiters.size).toBe(1);
      await vi.advanceTimersByTimeAsync(50);
      exec.drain();
      expect(await fiber).toBe('TimeoutError');
      expect(event.waiters.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('clears the timer of a bounded wait when the fiber is halted', () => {
    vi.useFakeTimers();
    try {
      const exec = new ManualExecutor();
      const event = new TestEvent<number>();
      const fiber = spawnWith({ executor: exec }, function* () {
        yield* bounded(event, { timeout: 50 });
      });
      exec.drain();
      expect(vi.getTimerCount()).toBe(1);
      fiber.halt();
      exec.drain();
      expect(vi.getTimerCount()).toBe(0);
      expect(event.waiters.size).toBe(0);
      expect(fiber.status).toBe('halted');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('fibers as promises', () => {
  it('have catch and finally, and a catch joins the fiber like then does', async () => {
    const exec = new ManualExecutor();
    const failing = spawnWith({ executor: exec }, function* () {
      throw new RangeError('bad');
    });
    const caught = failing.catch((error: FiberFailedError) => (error.cause as Error).message);
    const ok = spawnWith({ executor: exec }, function* () {
      return 3;
    });
    const ran: string[] = [];
    const finished = ok.finally(() => ran.push('finally'));
    exec.drain();
    expect(await caught).toBe('bad');
    expect(await finished).toBe(3);
    expect(ran).toEqual(['finally']);
  });
});
