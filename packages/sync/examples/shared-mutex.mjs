// A SharedMutex guards a plain (non-atomic) counter in shared memory while two worker
// threads increment it 50,000 times each; the total comes out exact.
// Run after `pnpm build`: node examples/shared-mutex.mjs
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { SharedMutex } from '../dist/index.js';

const rounds = 50_000;

if (isMainThread) {
  const mutex = new SharedMutex();
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const workers = [1, 2].map(
    () =>
      new Worker(new URL(import.meta.url), {
        workerData: { mutex: mutex.handle(), counter: counter.buffer },
      }),
  );
  await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve))));
  console.log(`2 workers x ${rounds} locked increments = ${counter[0]} (expected ${2 * rounds})`);
} else {
  const mutex = SharedMutex.fromHandle(workerData.mutex);
  const counter = new Int32Array(workerData.counter);
  for (let i = 0; i < rounds; i++) {
    mutex.lockBlocking();
    counter[0] = counter[0] + 1; // deliberately not atomic: the mutex makes it safe
    mutex.unlock();
  }
}
