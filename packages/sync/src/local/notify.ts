import { List, Operation, type Waiter, type WaitOptions } from '@spindle/core-context';
import { withOptions } from '../wait-options.js';
import { wakeAll } from './waiter-list.js';

/**
 * A wake-up signal without data. `notifyOne` wakes one waiter, or stores one permit when
 * nobody waits so the next `notified()` returns at once; `notifyAll` wakes every current
 * waiter and stores nothing.
 */
export class Notify {
  /** @internal */ permit = false;
  /** @internal */ readonly waiters = new List<Waiter<void>>();
  private readonly notifiedOperation = new NotifiedOperation(this);

  /** Wakes the longest waiter that accepts, else stores the permit. */
  notifyOne(): void {
    for (let waiter = this.waiters.popFront(); waiter !== null; waiter = this.waiters.popFront()) {
      if (waiter.wake(undefined)) return;
    }
    this.permit = true;
  }

  /** Wakes every waiter parked now. */
  notifyAll(): void {
    wakeAll(this.waiters, undefined);
  }

  /** Waits for a notification (takes the stored permit when there is one). */
  notified(options?: WaitOptions): Operation<void> {
    return withOptions(this.notifiedOperation, options, 'Notify.notified');
  }
}

class NotifiedOperation extends Operation<void> {
  constructor(private readonly notify: Notify) {
    super();
  }

  /** What a waiting fiber waits on, for debugging listings. */
  describe(): string {
    return 'Notify.notified()';
  }

  park(waiter: Waiter<void>): void {
    const notify = this.notify;
    if (!notify.permit) {
      notify.waiters.pushBack(waiter);
      return;
    }
    notify.permit = false;
    if (!waiter.wake(undefined)) notify.permit = true;
  }

  unpark(waiter: Waiter<void>): boolean {
    return this.notify.waiters.remove(waiter);
  }

  /** A notification taken by a waiter cancelled before it resumed goes to the next one. */
  restore(): void {
    this.notify.notifyOne();
  }
}
