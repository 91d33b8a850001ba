import type { MessagePort } from 'node:worker_threads';
import type { PoolGeometry } from './shared-memory.js';

/** What a worker is told of the tracer option: the module that exports its tracer, and the export. */
export interface TracerSource {
  url: string;
  name: string;
}

/** Sent through a worker's synchronous inbox port (drained with receiveMessageOnPort). */
export type ToWorker =
  | { t: 'fn'; id: number; moduleId: number; url: string; name: string }
  | { t: 'share'; id: number; buffer: SharedArrayBuffer }
  | { t: 'payload'; slot: number; value: unknown };

/** Sent through a worker's synchronous outbox port: a result too large for its slot. */
export interface ToMain {
  slot: number;
  value: unknown;
}

/** Asynchronous control messages (worker.postMessage / parentPort). */
export type Control = { t: 'abort'; slot: number };
/** A set-up step a worker could not take, and why (`error` is an error record). */
export interface SetUpStepFailure {
  step: 'pin' | 'tracer';
  error: unknown;
}

/** `setup-failed`: the worker could not pin itself, install its tracer, or both. */
export type Status =
  | { t: 'ready'; tid: number; cpus: number[] }
  | { t: 'setup-failed'; failures: SetUpStepFailure[] };

export interface WorkerInit {
  buffer: SharedArrayBuffer;
  geometry: PoolGeometry;
  index: number;
  stealing: boolean;
  toWorker: MessagePort;
  toMain: MessagePort;
  pin: number[] | null;
  tracer: TracerSource | null;
}
