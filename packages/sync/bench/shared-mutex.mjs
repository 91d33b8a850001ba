// SharedMutex across 2 worker threads: lock/unlock per second, against a mutex whose
// holder is decided by the main thread over postMessage.
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { median } from '@spindle/bench-kit';
import { SharedMutex } from '../dist/index.js';

const WORKER = new URL('./shared-mutex-worker.mjs', import.meta.url);
const WORKERS = 2;

/** Grants a lock to one worker at a time, in request order, over postMessage. */
function coordinate(workers) {
  const queue = [];
  let holder = null;
  const grant = () => {
    holder = queue.shift() ?? null;
    holder?.postMessage('granted');
  };
  for (const worker of workers) {
    worker.on('message', (message) => {
      if (message === 'acquire') {
        queue.push(worker);
        if (holder === null) grant();
      } else if (message === 'release') grant();
    });
  }
}

async function runOnce(mode, iterations) {
  const mutex = new SharedMutex();
  const counter = new SharedArrayBuffer(4);
  const workers = Array.from(
    { length: WORKERS },
    () => new Worker(WORKER, { workerData: { mode, handle: mutex.handle(), counter, iterations } }),
  );
  await Promise.all(workers.map((worker) => once(worker, 'message')));
  if (mode === 'postMessage') coordinate(workers);
  const finished = Promise.all(
    workers.map(
      (worker) =>
        new Promise((resolve) => {
          const onMessage = (message) => {
            if (message !== 'done') return;
            worker.off('message', onMessage);
            resolve();
          };
          worker.on('message', onMessage);
        }),
    ),
  );
  const start = performance.now();
  for (const worker of workers) worker.postMessage('go');
  await finished;
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(workers.map((worker) => worker.terminate()));
  const total = new Int32Array(counter)[0];
  if (total !== WORKERS * iterations)
    throw new Error(`${mode}: counter ${total}, expected ${WORKERS * iterations}`);
  return total / seconds;
}

export async function sharedMutexThroughput({ iterations, runs }) {
  const rows = [];
  for (const [impl, mode, scale] of [
    ['spindle', 'blocking', 1],
    ['spindle-async', 'async', 1],
    ['postmessage-mutex', 'postMessage', 0.1],
  ]) {
    const n = Math.max(1000, Math.round(iterations * scale));
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(await runOnce(mode, n));
    rows.push({ impl, value: median(samples), n: n * WORKERS, workers: WORKERS });
  }
  return rows;
}
