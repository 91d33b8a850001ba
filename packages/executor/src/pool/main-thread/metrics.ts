import type { PoolMemory } from '../protocol/shared-memory.js';
import type { HistogramSnapshot } from './histogram.js';
import type { WorkerState } from './workers.js';

export interface WorkerMetrics {
  index: number;
  tasksRun: number;
  tasksStolen: number;
  /** OS thread id of a pinned worker once it is ready (Linux), else -1 (an unpinned one never loads the native addon). */
  threadId: number;
  /** CPUs a pinned worker may run on, as it reported them; empty when unpinned. */
  cpus: number[];
  crashes: number;
}

export interface PoolMetrics {
  workers: WorkerMetrics[];
  /** Tasks accepted and neither started nor cancelled; forks not included (approximate while workers run). */
  queueDepth: number;
  /** Tasks accepted and not yet settled. */
  pending: number;
  /** Time from submit to start, ms. */
  waitTime: HistogramSnapshot;
  /** Time from start to end, ms. */
  runTime: HistogramSnapshot;
}

/** Each worker's counters, as the workers keep them in shared memory and the pool keeps its records. */
export function workerMetrics(memory: PoolMemory, workers: readonly WorkerState[]): WorkerMetrics[] {
  return workers.map((w) => ({
    index: w.index,
    tasksRun: memory.tasksRun(w.index),
    tasksStolen: memory.tasksStolen(w.index),
    threadId: w.threadId,
    cpus: w.cpus,
    crashes: w.crashes,
  }));
}
