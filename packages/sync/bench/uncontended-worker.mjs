// Times uncontended shared operations in a worker (blocking forms need one) and posts ns/op.
import { parentPort, workerData } from 'node:worker_threads';
import { SharedMutex, SharedRwLock, SharedSemaphore } from '../dist/index.js';

const mutex = new SharedMutex();
const semaphore = new SharedSemaphore(4);
const lock = new SharedRwLock();
const cases = {
  'mutex tryLock+unlock': () => {
    mutex.tryLock();
    mutex.unlock();
  },
  'semaphore tryAcquire+release': () => {
    semaphore.tryAcquire();
    semaphore.release();
  },
  'semaphore acquireBlocking+release': () => {
    semaphore.acquireBlocking();
    semaphore.release();
  },
  'rwlock tryReadLock+readUnlock': () => {
    lock.tryReadLock();
    lock.readUnlock();
  },
  'rwlock tryWriteLock+writeUnlock': () => {
    lock.tryWriteLock();
    lock.writeUnlock();
  },
};
const { iterations, runs } = workerData;
const results = {};
for (const [name, step] of Object.entries(cases)) {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) step();
    best = Math.min(best, ((performance.now() - start) * 1e6) / iterations);
  }
  results[name] = best;
}
parentPort.postMessage(results);
