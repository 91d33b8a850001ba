import { performance } from 'node:perf_hooks';
import { type Executor, Queue, type Runnable } from '@spindle/core-context';

export interface LoopExecutorOptions {
  /** Longest a batch may run before yielding to timers and I/O, in ms (default 4). */
  budgetMs?: number;
  /** Most runnables per batch (default 4096). */
  batch?: number;
  /**
   * Called with an error a runnable threw; the batch then goes on. Without it the error
   * propagates like any throwing callback (an uncaught exception) after the rest of the
   * queue has been rescheduled.
   */
  onError?: (error: unknown) => void;
}

/**
 * The clock is read at most once per this many runnables: for tiny runnables a read per run
 * would cost more than the runs. The stride adapts (see `nextStride`) and restarts at 1 with
 * each batch, so a batch overruns its budget by at most the runs since the last read: one run
 * while runnables cost alike (or are slow), and up to CLOCK_STRIDE - 1 more when, within one
 * batch, tiny runnables are followed by slow ones before the next read.
 */
const CLOCK_STRIDE = 32;

/**
 * Runs runnables on Node's event loop in FIFO batches. A batch stops after `batch`
 * runnables or `budgetMs`, whichever comes first, and the next batch is scheduled with
 * `setImmediate`, so timers and I/O callbacks run between batches and are never starved.
 * Runnables submitted during a batch join the same FIFO. Only a scheduled batch holds the
 * process open: an idle executor keeps nothing alive. Submitting allocates nothing (the
 * runnable is its own queue node).
 */
export class LoopExecutor implements Executor {
  private readonly queue = new Queue<Runnable>();
  private readonly budgetMs: number;
  private readonly batch: number;
  private readonly onError: ((error: unknown) => void) | undefined;
  private scheduled = false;
  /** Runnables between clock reads; starts at 1 in every batch. */
  private stride = 1;
  private readonly runBatch = (): void => this.drainBatch();

  constructor(options: LoopExecutorOptions = {}) {
    const { budgetMs = 4, batch = 4096, onError } = options;
    if (typeof budgetMs !== 'number' || !(budgetMs > 0)) {
      throw new RangeError(`budgetMs must be a positive number, got ${String(budgetMs)}`);
    }
    if (!Number.isInteger(batch) || batch < 1) {
      throw new RangeError(`batch must be a positive integer, got ${String(batch)}`);
    }
    this.budgetMs = budgetMs;
    this.batch = batch;
    if (onError !== undefined && typeof onError !== 'function') {
      throw new TypeError('onError must be a function');
    }
    this.onError = onError;
  }

  /** Runnables waiting for a batch. */
  get pending(): number {
    return this.queue.size;
  }

  submit(runnable: Runnable): void {
    this.queue.push(runnable);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.runBatch);
    }
  }

  /**
   * Doubles the stride (up to CLOCK_STRIDE) while CLOCK_STRIDE runs of the measured average
   * cost would fit in a quarter of the budget; otherwise reads the clock after every run.
   */
  private nextStride(averageRunMs: number): number {
    return averageRunMs * CLOCK_STRIDE <= this.budgetMs / 4 ? Math.min(CLOCK_STRIDE, this.stride * 2) : 1;
  }

  private runGuarded(runnable: Runnable, onError: (error: unknown) => void): void {
    try {
      runnable.run();
    } catch (error) {
      onError(error);
    }
  }

  private drainBatch(): void {
    let lastRead = performance.now();
    const deadline = lastRead + this.budgetMs;
    // A stride kept from the last batch would trust runnables this batch has not measured.
    this.stride = 1;
    let nextRead = 1;
    try {
      for (let ran = 1; ran <= this.batch; ran++) {
        const runnable = this.queue.shift();
        if (runnable === null) break;
        if (this.onError === undefined) runnable.run();
        else this.runGuarded(runnable, this.onError);
        if (ran === nextRead) {
          const now = performance.now();
          if (now >= deadline) break;
          this.stride = this.nextStride((now - lastRead) / this.stride);
          lastRead = now;
          nextRead = ran + this.stride;
        }
      }
    } finally {
      // Reschedule even when a runnable threw, so the rest of the queue is not stranded.
      if (this.queue.isEmpty) this.scheduled = false;
      else setImmediate(this.runBatch);
    }
  }
}

/**
 * The process-wide LoopExecutor; fibers run on it by default. Creating it costs a few
 * fields: it schedules nothing and holds nothing open until the first submit.
 */
export const loopExecutor: LoopExecutor = new LoopExecutor();
