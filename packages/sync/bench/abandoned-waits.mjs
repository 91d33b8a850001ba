// Abandoned shared waits: while the main thread holds a SharedMutex, N waits on it are
// given up (half time out, half are aborted). Measured: heap bytes each abandoned wait
// still holds while the lock stays held, and how long after unlock() the one live waiter,
// a worker blocked in lockBlocking() since before them, gets the lock.
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as pause, setImmediate as tick } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { median } from '@spindle/bench-kit';
import { SharedMutex } from '../dist/index.js';

function heapAfterGc() {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

const LIVE_WAITER = new URL('./abandoned-waits-worker.mjs', import.meta.url);

/** Waits given up together: half time out after 1 ms, half are aborted, each by its own signal. */
const BATCH = 1000;

async function abandonBatch(mutex) {
  const ended = [];
  const controllers = [];
  for (let i = 0; i < BATCH / 2; i++) {
    ended.push(mutex.lock({ timeout: 1 }).then(undefined, () => {}));
    const controller = new AbortController();
    controllers.push(controller);
    ended.push(mutex.lock({ signal: controller.signal }).then(undefined, () => {}));
  }
  for (const controller of controllers) controller.abort();
  await Promise.all(ended);
}

async function runOnce(abandoned) {
  const mutex = new SharedMutex();
  mutex.tryLock();
  const servedAt = new SharedArrayBuffer(8);
  const live = new Worker(LIVE_WAITER, { workerData: { handle: mutex.handle(), servedAt } });
  await once(live, 'message');
  await pause(20); // let it block in lockBlocking()
  const before = heapAfterGc();
  for (let done = 0; done < abandoned; done += BATCH) await abandonBatch(mutex);
  for (let i = 0; i < 5; i++) await tick();
  const bytes = (heapAfterGc() - before) / abandoned;
  const unlockedAt = performance.timeOrigin + performance.now();
  mutex.unlock();
  await once(live, 'exit');
  return { bytes, handOffMs: new Float64Array(servedAt)[0] - unlockedAt };
}

export async function abandonedWaits({ abandoned, runs }) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await runOnce(abandoned));
  return [
    { case: 'shared-abandoned-bytes', unit: 'bytes/op', value: median(samples.map((s) => s.bytes)) },
    { case: 'shared-abandoned-handoff', unit: 'ms', value: median(samples.map((s) => s.handOffMs)) },
  ].map((row) => ({ ...row, impl: 'spindle', better: 'lower', n: abandoned }));
}
