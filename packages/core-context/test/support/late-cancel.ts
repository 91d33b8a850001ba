import { Operation, type UnparkResult, type Waiter } from '../../src/index.js';

/**
 * A wait whose withdrawal finishes later (an io_uring cancel, a task on another thread):
 * `unpark` answers 'pending', and the one final outcome comes when the test calls
 * `finish` (a value: the work completed after all) or `finishCancelled`. An outcome the
 * waiter refuses is kept (`kept`), as rule 3 says.
 */
export class LateCancel<T> extends Operation<T> {
  readonly selectable = true;
  waiter: Waiter<T> | null = null;
  cancelRequested = false;
  readonly kept: T[] = [];

  park(waiter: Waiter<T>): void {
    this.waiter = waiter;
    this.cancelRequested = false;
  }

  unpark(waiter: Waiter<T>): UnparkResult {
    if (this.waiter !== waiter) return false;
    this.cancelRequested = true;
    return 'pending';
  }

  /** The work completes with `value` (after a cancel request too: it raced). */
  finish(value: T): void {
    const waiter = this.take();
    if (!waiter.wake(value)) this.kept.push(value);
  }

  /** The cancel completes: the waiter gets a failure. */
  finishCancelled(): boolean {
    return this.take().fail(new Error('cancelled late'));
  }

  private take(): Waiter<T> {
    const waiter = this.waiter;
    if (waiter === null) throw new Error('LateCancel: nobody is waiting');
    this.waiter = null;
    return waiter;
  }
}
