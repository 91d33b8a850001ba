import {
  bounded,
  checkWaitOptions,
  List,
  Operation,
  type UnparkResult,
  type Waiter,
  type WaitOptions,
} from '@spindle/core-context';
import { claimFirst, wakeAll } from './waiter-list.js';

/**
 * A wake-up signal without data. `notifyOne` wakes one waiter, or stores one permit when
 * nobody waits so the next `notified()` returns at once; `notifyAll` wakes every current
 * waiter and stores nothing. `notified()` is selectable: a withdrawn wait only leaves the queue.
 */
export class Notify {
  #permit = false;
  readonly #waiters = new List<Waiter<void>>();
  readonly #notified = new NotifiedOperation(this);

  /** Wakes the longest waiter that accepts, else stores the permit. */
  notifyOne(): void {
    const waiter = claimFirst(this.#waiters);
    if (waiter === null) this.#permit = true;
    else waiter.settle(true, undefined);
  }

  /** Wakes every waiter parked now. */
  notifyAll(): void {
    wakeAll(this.#waiters, undefined);
  }

  /** Waits for a notification (takes the stored permit when there is one); options bound the wait. */
  notified(options?: WaitOptions): Operation<void> {
    return bounded(this.#notified, checkWaitOptions(options, 'Notify.notified'));
  }

  /** @internal parks `waiter`, or hands it the stored permit (NotifiedOperation, below) */
  park(waiter: Waiter<void>): void {
    if (!this.#permit) {
      this.#waiters.pushBack(waiter);
      return;
    }
    this.#permit = false;
    if (!waiter.wake(undefined)) this.#permit = true;
  }

  /** @internal */
  leave(waiter: Waiter<void>): boolean {
    return this.#waiters.remove(waiter);
  }
}

class NotifiedOperation extends Operation<void> {
  readonly selectable = true;

  constructor(private readonly notify: Notify) {
    super();
  }

  /** What a waiting fiber waits on, for debugging listings. */
  describe(): string {
    return 'Notify.notified()';
  }

  park(waiter: Waiter<void>): void {
    this.notify.park(waiter);
  }

  unpark(waiter: Waiter<void>): UnparkResult {
    return this.notify.leave(waiter);
  }

  /** A notification taken by a waiter cancelled before it resumed goes to the next one. */
  restore(): void {
    this.notify.notifyOne();
  }
}
