// The live waiter of abandoned-waits.mjs: blocks in lockBlocking() and records when it got the lock.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { SharedMutex } from '../dist/index.js';

const mutex = SharedMutex.fromHandle(workerData.handle);
const servedAt = new Float64Array(workerData.servedAt);
parentPort.postMessage('waiting');
mutex.lockBlocking();
servedAt[0] = performance.timeOrigin + performance.now();
mutex.unlock();
