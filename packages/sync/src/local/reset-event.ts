import {
  bounded,
  checkWaitOptions,
  List,
  type Operation,
  type Waiter,
  type WaitOptions,
} from '@spindle/core-context';
import { WaitUntilReady, wakeAll } from './waiter-list.js';

/** A manual-reset event: `wait` returns at once while set, else waits for `set`. */
export class ResetEvent {
  private flag = false;
  private readonly waiters = new List<Waiter<void>>();
  private readonly waitOperation = new WaitUntilReady(() => this.flag, this.waiters, 'ResetEvent.wait()');

  isSet(): boolean {
    return this.flag;
  }

  /** Sets the event and wakes every waiter. */
  set(): void {
    this.flag = true;
    wakeAll(this.waiters, undefined);
  }

  /** Clears the event; later waits wait again. */
  reset(): void {
    this.flag = false;
  }

  /** Waits until the event is set. */
  wait(options?: WaitOptions): Operation<void> {
    return bounded(this.waitOperation, checkWaitOptions(options, 'ResetEvent.wait'));
  }
}
