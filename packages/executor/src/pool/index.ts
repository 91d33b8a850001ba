/**
 * `@spindle/executor/pool`: the worker-thread pool. A subpath of its own, so importing the
 * package's root (the in-thread executors) never loads `node:worker_threads`.
 */
export type { HistogramSnapshot } from './main-thread/histogram.js';
export type { PoolMetrics, WorkerMetrics } from './main-thread/metrics.js';
export type { ThreadPoolOptions, WorkerTracerOption } from './main-thread/options.js';
export { usableCpus } from './main-thread/pinning.js';
export { type RunOptions, TaskHandle, type TaskRef } from './main-thread/task.js';
export { TaskResult } from './main-thread/task-result.js';
export { type Submitted, ThreadPool } from './main-thread/thread-pool.js';
export { UncloneableError } from './protocol/errors.js';
export { poolMemoryBytes } from './protocol/shared-memory.js';
export { type Fork, fork, join, taskSignal, taskToken } from './worker-thread/task-api.js';
