import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { NotHeldError, SpinLock, TimeoutError } from '../src/index.js';

const workerUrl = new URL('./fixtures/spinlock-worker.mjs', import.meta.url);
const distEntry = new URL('../dist/index.js', import.meta.url);

describe('SpinLock on one thread', () => {
  it('allocates its own shared cell', () => {
    const lock = new SpinLock();
    expect(lock.view.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(lock.view.length).toBe(SpinLock.INT32_SLOTS);
    expect(lock.index).toBe(0);
    expect(lock.isLocked).toBe(false);
  });

  it('tryLock takes a free lock once, unlock frees it', () => {
    const lock = new SpinLock();
    expect(lock.tryLock()).toBe(true);
    expect(lock.isLocked).toBe(true);
    expect(lock.tryLock()).toBe(false);
    lock.unlock();
    expect(lock.isLocked).toBe(false);
    lock.lock();
    expect(lock.tryLock()).toBe(false);
    lock.unlock();
  });

  it('unlocking a lock that is not locked throws NotHeldError', () => {
    const lock = new SpinLock();
    expect(() => lock.unlock()).toThrow(NotHeldError);
    lock.lock();
    lock.unlock();
    expect(() => lock.unlock()).toThrow(/not locked/);
  });

  it('on the main thread lock() gives up with TimeoutError instead of spinning forever', () => {
    const lock = new SpinLock();
    lock.lock();
    expect(() => lock.lock(5)).toThrow(TimeoutError);
    expect(lock.isLocked).toBe(true);
    lock.unlock();
  });

  it('on the main thread lock() without a timeout gives up after MAIN_THREAD_TIMEOUT_MS', () => {
    const lock = new SpinLock();
    lock.lock();
    const start = performance.now();
    expect(() => lock.lock()).toThrow(`gave up after ${SpinLock.MAIN_THREAD_TIMEOUT_MS} ms`);
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(SpinLock.MAIN_THREAD_TIMEOUT_MS);
    expect(elapsed).toBeLessThan(SpinLock.MAIN_THREAD_TIMEOUT_MS + 5_000);
    lock.unlock();
  });

  it('on the main thread a timeout that is not finite is a RangeError at the call, even when the lock is free', () => {
    const lock = new SpinLock();
    expect(() => lock.lock(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => lock.lock(Number.POSITIVE_INFINITY)).toThrow(
      /main thread the timeout must be finite, got Infinity/,
    );
    expect(() => lock.withLock(() => 'never', Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(lock.isLocked).toBe(false);
  });

  it('withLock releases the lock even when the critical section throws', () => {
    const lock = new SpinLock();
    expect(lock.withLock(() => 'value')).toBe('value');
    expect(() =>
      lock.withLock(() => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(lock.isLocked).toBe(false);
  });

  it('placed at an index of a caller view, it touches only its own cell', () => {
    const view = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
    const a = new SpinLock(view, 1);
    const b = new SpinLock(view, 2);
    a.lock();
    expect(Array.from(view)).toEqual([0, 1, 0, 0]);
    expect(b.tryLock()).toBe(true);
    expect(new SpinLock(view, 1).isLocked).toBe(true);
    a.unlock();
    expect(Array.from(view)).toEqual([0, 0, 1, 0]);
  });

  it('validates the view and index at the call', () => {
    const shared = new Int32Array(new SharedArrayBuffer(8));
    expect(() => new SpinLock(new Int32Array(2), 0)).toThrow(TypeError);
    expect(() => new SpinLock(new Uint32Array(new SharedArrayBuffer(8)) as never, 0)).toThrow(TypeError);
    expect(() => new SpinLock(shared, 2)).toThrow(RangeError);
    expect(() => new SpinLock(shared, -1)).toThrow(RangeError);
    expect(() => new SpinLock(shared, 0.5)).toThrow(RangeError);
    expect(() => new SpinLock(undefined, 3)).toThrow(RangeError);
    expect(() => new SpinLock().lock(-1)).toThrow(RangeError);
  });
});

describe('SpinLock across worker threads', () => {
  it('a worker may wait without a limit (lock(Infinity)): it sleeps between polls', async () => {
    const lock = new SpinLock();
    lock.lock();
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       import(workerData.entry).then(({ SpinLock }) => {
         const lock = new SpinLock(new Int32Array(workerData.buffer));
         parentPort.postMessage('waiting');
         lock.lock(Infinity);
         parentPort.postMessage('locked');
       });`,
      { eval: true, workerData: { buffer: lock.view.buffer, entry: distEntry.href } },
    );
    try {
      const messages: string[] = [];
      worker.on('message', (message: string) => messages.push(message));
      await once(worker, 'message');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(messages).toEqual(['waiting']);
      lock.unlock();
      await once(worker, 'message');
      expect(messages).toEqual(['waiting', 'locked']);
      expect(lock.isLocked).toBe(true);
    } finally {
      await worker.terminate();
    }
  });

  it('two workers doing 100,000 locked non-atomic increments each give the exact total', async () => {
    const iterations = 100_000;
    // lock at 3 and counter at 5: the placed form, with neighbours that must stay untouched
    const view = new Int32Array(new SharedArrayBuffer(8 * Int32Array.BYTES_PER_ELEMENT));
    const workerData = { buffer: view.buffer, lockIndex: 3, counterIndex: 5, startIndex: 0, iterations };
    const workers = [new Worker(workerUrl, { workerData }), new Worker(workerUrl, { workerData })];
    const results = await Promise.all(workers.map((worker) => once(worker, 'message')));
    await Promise.all(workers.map((worker) => worker.terminate()));
    expect(results.map(([message]) => message.done)).toEqual([true, true]);
    expect(view[5]).toBe(2 * iterations);
    expect(view[3]).toBe(0);
    expect([view[1], view[2], view[4], view[6], view[7]]).toEqual([0, 0, 0, 0, 0]);
  });
});
