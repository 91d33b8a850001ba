import { SharedOutcome, type Waiter } from '@spindle/core-context';

/**
 * A pool task's `ended`: completes (with no value) once the worker no longer runs the task.
 * It may also hold the one waiter that was withdrawn from the task's result with the answer
 * `'pending'` (the last-waiter rule): that waiter gets the result's outcome at the end.
 */
export class TaskEnd extends SharedOutcome<void> {
  /** One shared, already completed end for every task that ended before anyone asked. */
  static readonly ALREADY_ENDED: TaskEnd = TaskEnd.completed();

  lingering: Waiter | null = null;

  /** Completes the end, then hands the lingering waiter the (settled) `result`'s outcome. */
  finish(result: SharedOutcome<unknown>): void {
    this.settleOutcome(true, undefined);
    const waiter = this.lingering;
    this.lingering = null;
    if (waiter !== null) result.park(waiter);
  }

  describe(): string {
    return this.settled ? 'the end of a pool task (ended)' : 'the end of a running pool task';
  }

  private static completed(): TaskEnd {
    const end = new TaskEnd();
    end.settleOutcome(true, undefined);
    return end;
  }
}
