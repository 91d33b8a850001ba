import type { PoolTask } from './task.js';
import type { EndHold } from './task-end.js';
import { settle } from './task-result.js';
import type { WorkerSet } from './workers.js';

/**
 * Counts the tasks accepted and not yet settled (`count`: when it drops to zero, `close()`
 * may go on), and the task ends someone waits for. While either is non-zero the workers
 * hold the process open: a result or an end comes from a worker, and a waiting
 * `Atomics.waitAsync` does not keep the event loop alive by itself.
 */
export class PendingTasks implements EndHold {
  count = 0;
  /** Task ends (see TaskEnd) with a waiter parked or kept, whose task has not ended. */
  private awaitedEnds = 0;
  private idleResolvers: (() => void)[] = [];

  constructor(private readonly workers: WorkerSet) {}

  /** Whether the process is held open (tasks pending, or an end awaited). */
  get holdsProcess(): boolean {
    return this.count > 0 || this.awaitedEnds > 0;
  }

  /** A task was accepted. */
  add(): void {
    if (this.count++ === 0 && this.awaitedEnds === 0) this.workers.holdOpen(true);
  }

  /** Settles an accepted task (once: a second outcome is ignored), stops listening to its signal and token, and counts it done. */
  settle(task: PoolTask, ok: boolean, value: unknown): void {
    if (!settle(task, ok, value)) return;
    if (task.cancelHook !== null) {
      task.cancelHook.detach();
      task.cancelHook = null;
    }
    if (--this.count === 0) {
      if (this.awaitedEnds === 0) this.workers.holdOpen(false);
      const resolvers = this.idleResolvers;
      this.idleResolvers = [];
      for (const resolve of resolvers) resolve();
    }
  }

  holdForEnd(): void {
    if (this.awaitedEnds++ === 0 && this.count === 0) this.workers.holdOpen(true);
  }

  releaseForEnd(): void {
    if (--this.awaitedEnds === 0 && this.count === 0) this.workers.holdOpen(false);
  }

  /** Resolves when no task is pending any more (call it only while some are). */
  whenIdle(): Promise<void> {
    return new Promise<void>((resolve) => this.idleResolvers.push(resolve));
  }
}
