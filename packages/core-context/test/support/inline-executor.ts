import { type Executor, Queue, type Runnable } from '../../src/index.js';

/**
 * The smallest useful Executor: runs each submitted runnable on the caller's stack, and
 * queues runnables submitted while one runs (a trampoline, so resubmission never recurses).
 */
export class InlineExecutor implements Executor {
  private readonly ready = new Queue<Runnable>();
  private draining = false;
  ran = 0;

  submit(runnable: Runnable): void {
    this.ready.push(runnable);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.ready.shift(); next !== null; next = this.ready.shift()) {
        this.ran++;
        next.run();
      }
    } finally {
      this.draining = false;
    }
  }
}

/** An Executor that only queues; the test decides when each runnable runs. */
export class ManualExecutor implements Executor {
  private readonly ready = new Queue<Runnable>();

  get pending(): number {
    return this.ready.size;
  }

  submit(runnable: Runnable): void {
    this.ready.push(runnable);
  }

  /** Runs the oldest queued runnable; false when none is queued. */
  runOne(): boolean {
    const next = this.ready.shift();
    if (next === null) return false;
    next.run();
    return true;
  }

  runAll(): void {
    while (this.runOne());
  }
}
