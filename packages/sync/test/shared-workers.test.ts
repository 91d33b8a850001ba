import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  SharedBarrier,
  SharedCondition,
  SharedMutex,
  SharedResetEvent,
  SharedRwLock,
  SharedSemaphore,
  SharedWaitGroup,
} from '../dist/index.js';

const WORKER = new URL('./fixtures/shared-worker.mjs', import.meta.url);
type Style = 'blocking' | 'promise' | 'fiber';
const STYLES: Style[] = ['blocking', 'fiber', 'promise', 'blocking'];

/** Runs one worker per style on `scenario` and resolves when all have finished. */
function runWorkers(
  scenario: string,
  styles: Style[],
  data: Record<string, unknown> & { cells: SharedArrayBuffer; iterations: number },
): Promise<void> {
  const workers = styles.map(
    (style, id) =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(WORKER, { workerData: { scenario, style, id, ...data } });
        worker.once('message', () => resolve());
        worker.once('error', reject);
        worker.once('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`)),
        );
      }),
  );
  return Promise.all(workers).then(() => undefined);
}

function cells(count: number): SharedArrayBuffer {
  return new SharedArrayBuffer(count * 4);
}

describe('shared primitives across real workers', () => {
  it('SharedMutex: 4 workers x 100,000 lock/unlock around a non-atomic counter give the exact total', async () => {
    const mutex = new SharedMutex();
    const counter = cells(1);
    await runWorkers('mutex', STYLES, {
      cells: counter,
      iterations: 100_000,
      handles: { mutex: mutex.handle() },
    });
    expect(new Int32Array(counter)[0]).toBe(400_000);
    expect(mutex.locked).toBe(false);
  });

  it('SharedMutex: a fiber waiting in a worker parks, so another fiber and a timer there keep running', async () => {
    const mutex = new SharedMutex();
    const data = cells(3);
    const progress = new Int32Array(data);
    mutex.tryLock();
    const worker = runWorkers('parks', ['fiber'], {
      cells: data,
      iterations: 0,
      handles: { mutex: mutex.handle() },
    });
    const deadline = Date.now() + 5_000;
    while ((progress[0]! < 5 || progress[1]! < 5) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Still held here, so the waiting fiber has not got it; yet the worker's thread ran on.
    expect(progress[2]).toBe(0);
    expect(progress[0]).toBeGreaterThanOrEqual(5);
    expect(progress[1]).toBeGreaterThanOrEqual(5);
    mutex.unlock();
    await worker;
    expect(progress[2]).toBe(1);
    expect(mutex.locked).toBe(false);
  });

  it('SharedMutex: a worker blocking after it gave up an async wait still gets the unlock', async () => {
    const mutex = new SharedMutex();
    const data = cells(2);
    const flags = new Int32Array(data);
    mutex.tryLock();
    const worker = runWorkers('mixed', ['blocking'], {
      cells: data,
      iterations: 0,
      handles: { mutex: mutex.handle() },
    });
    while (Atomics.load(flags, 1) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    // Let the worker block in lockBlocking() before the unlock.
    await new Promise((resolve) => setTimeout(resolve, 20));
    mutex.unlock();
    const stalled = new Promise((resolve) => setTimeout(() => resolve('stalled'), 2_000));
    expect(await Promise.race([worker.then(() => 'took the lock'), stalled])).toBe('took the lock');
    expect(flags[0]).toBe(1);
  });

  it('SharedMutex placed in a caller view and attached from its buffer: 2 blocking workers, exact total', async () => {
    const view = new Int32Array(new SharedArrayBuffer(16));
    const mutex = new SharedMutex(view, 3);
    const counter = cells(1);
    await runWorkers('mutex', ['blocking', 'blocking'], {
      cells: counter,
      iterations: 100_000,
      handles: {},
      buffer: view.buffer,
      at: 3,
    });
    expect(new Int32Array(counter)[0]).toBe(200_000);
    expect(mutex.locked).toBe(false);
  });

  it('SharedSemaphore never lets more than its permits in', async () => {
    const semaphore = new SharedSemaphore(2);
    const data = cells(2);
    await runWorkers('semaphore', STYLES, {
      cells: data,
      iterations: 5_000,
      handles: { semaphore: semaphore.handle() },
    });
    const [inside, peak] = new Int32Array(data);
    expect(inside).toBe(0);
    expect(peak).toBeGreaterThanOrEqual(1);
    expect(peak).toBeLessThanOrEqual(2);
    expect(semaphore.available).toBe(2);
  });

  it('SharedBarrier lines generations up with one leader each', async () => {
    const parties = 3;
    const barrier = new SharedBarrier(parties);
    const data = cells(2 + parties);
    const generations = 300;
    await runWorkers('barrier', ['blocking', 'fiber', 'promise'], {
      cells: data,
      iterations: generations,
      parties,
      handles: { barrier: barrier.handle() },
    });
    const [leaders, behind] = new Int32Array(data);
    expect(leaders).toBe(generations);
    expect(behind).toBe(0);
    expect(barrier.generation).toBe(generations);
  });

  it('SharedRwLock: readers never see a half-done write', async () => {
    const lock = new SharedRwLock();
    const data = cells(3);
    await runWorkers('rwlock', ['blocking', 'blocking', 'fiber', 'promise'], {
      cells: data,
      iterations: 5_000,
      handles: { rwlock: lock.handle() },
    });
    const [a, b, torn] = new Int32Array(data);
    expect(a).toBe(5_000);
    expect(b).toBe(5_000);
    expect(torn).toBe(0);
    expect(lock.readerCount).toBe(0);
    expect(lock.writeLocked).toBe(false);
  });

  it('SharedCondition: a producer hands every item to consumers that wait on the condition', async () => {
    const mutex = new SharedMutex();
    const condition = new SharedCondition();
    const data = cells(3);
    const total = 2_000;
    await runWorkers('condition', ['blocking', 'blocking', 'fiber', 'promise'], {
      cells: data,
      iterations: total,
      total,
      handles: { mutex: mutex.handle(), condition: condition.handle() },
    });
    const [produced, consumed, queued] = new Int32Array(data);
    expect(produced).toBe(total);
    expect(consumed).toBe(total);
    expect(queued).toBe(0);
  });

  it('SharedResetEvent releases the workers and SharedWaitGroup tells the main thread when all are done', async () => {
    const event = new SharedResetEvent();
    const group = new SharedWaitGroup();
    const data = cells(1);
    const iterations = 200;
    group.add(3 * iterations);
    const workers = runWorkers('events', ['blocking', 'fiber', 'promise'], {
      cells: data,
      iterations,
      handles: { event: event.handle(), group: group.handle() },
    });
    expect(group.count).toBe(3 * iterations);
    event.set();
    await group.wait();
    expect(new Int32Array(data)[0]).toBe(3 * iterations);
    await workers;
  });
});
