export { createRandom } from '@spindle/core-context';
export { type FaultSource, faultPoint, withFaultSource } from './fault.js';
export { InlineExecutor } from './inline.js';
export { LoopExecutor, type LoopExecutorOptions, loopExecutor } from './loop.js';
export { defaultSeed, ManualExecutor, type ManualExecutorOptions } from './manual.js';
export type { HistogramSnapshot } from './pool/histogram.js';
export { poolMemoryBytes } from './pool/layout.js';
export { TaskResult } from './pool/operation.js';
export { usableCpus } from './pool/pinning.js';
export { type RunOptions, TaskHandle, type TaskRef } from './pool/task.js';
export {
  type PoolMetrics,
  ThreadPool,
  type ThreadPoolOptions,
  type WorkerMetrics,
} from './pool/thread-pool.js';
export { type Fork, fork, join, taskSignal } from './pool/worker/task-api.js';
export type { WorkerTracerOption } from './pool/worker-tracer.js';
export { runSeeded } from './seeded.js';
