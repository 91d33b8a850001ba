import { ManualExecutor } from '@spindle/executor';
import { describe, expect, it } from 'vitest';
import { run, spawnWith, waitPromise } from '../src/index.js';
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
