// Worker side of the SharedMutex benchmark: waits for "go", runs its lock/unlock loop around
// a non-atomic counter in shared memory, reports "done".
import { once } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { SharedMutex } from '../dist/index.js';

const { mode, handle, counter, iterations } = workerData;
const count = new Int32Array(counter);

const loops = {
  blocking() {
    const mutex = SharedMutex.fromHandle(handle);
    for (let i = 0; i < iterations; i++) {
      mutex.lockBlocking();
      count[0]++;
      mutex.unlock();
    }
  },
  async async() {
    const mutex = SharedMutex.fromHandle(handle);
    for (let i = 0; i < iterations; i++) {
      await mutex.lock();
      count[0]++;
      mutex.unlock();
    }
  },
  async postMessage() {
    for (let i = 0; i < iterations; i++) {
      parentPort.postMessage('acquire');
      await once(parentPort, 'message');
      count[0]++;
      parentPort.postMessage('release');
    }
  },
};

parentPort.postMessage('ready');
await once(parentPort, 'message');
await loops[mode]();
parentPort.postMessage('done');
