/** Entry script of every ThreadPool worker thread. */
import { workerData } from 'node:worker_threads';
import type { WorkerInit } from './pool/protocol/messages.js';
import { startWorker } from './pool/worker-thread/runtime.js';

void startWorker(workerData as WorkerInit);
