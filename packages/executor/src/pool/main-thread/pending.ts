import type { PoolTask } from './task.js';
import { settle } from './task-result.js';
import type { WorkerSet } from './workers.js';

/**
 * Counts the tasks accepted and not yet settled. While any is pending the workers hold the
 * process open; when the count drops to zero, `close()` may go on.
 */
export class PendingTasks {
  count = 0;
  private idleResolvers: (() => void)[] = [];

  constructor(private readonly workers: WorkerSet) {}

  /** A task was accepted. */
  add(): void {
    if (this.count++ === 0) this.workers.holdOpen(true);
  }

  /** Settles an accepted task (once: a second outcome is ignored), stops listening to its signal and token, and counts it done. */
  settle(task: PoolTask, ok: boolean, value: unknown): void {
    if (!settle(task, ok, value)) return;
    if (task.cancelHook !== null) {
      task.cancelHook.detach();
      task.cancelHook = null;
    }
    if (--this.count === 0) {
      this.workers.holdOpen(false);
      const resolvers = this.idleResolvers;
      this.idleResolvers = [];
      for (const resolve of resolvers) resolve();
    }
  }

  /** Resolves when no task is pending any more (call it only while some are). */
  whenIdle(): Promise<void> {
    return new Promise<void>((resolve) => this.idleResolvers.push(resolve));
  }
}
