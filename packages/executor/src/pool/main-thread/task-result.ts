import { List, Operation, type Waiter } from '@spindle/core-context';

/**
 * The result of one pool call: an Operation, so async code `await`s it (or uses `then`,
 * `catch` and `finally` as on a Promise) and a fiber `yield*`s it. It settles once; every
 * waiter parked on it gets the same outcome.
 * Waiting allocates no list until a second waiter arrives.
 */
export class TaskResult<T> extends Operation<T> {
  private settled = false;
  private ok = false;
  private outcome: unknown;
  private waiter: Waiter<T> | null = null;
  private moreWaiters: List<Waiter<T>> | null = null;

  /** The public name, not that of the pool's internal subclass. */
  override get [Symbol.toStringTag](): string {
    return 'TaskResult';
  }

  get isSettled(): boolean {
    return this.settled;
  }

  park(waiter: Waiter<T>): void {
    if (this.settled) {
      this.deliver(waiter);
    } else if (this.waiter === null) {
      this.waiter = waiter;
    } else {
      this.moreWaiters ??= new List<Waiter<T>>();
      this.moreWaiters.pushBack(waiter);
    }
  }

  unpark(waiter: Waiter<T>): boolean {
    if (this.waiter === waiter) {
      this.waiter = null;
      return true;
    }
    return this.moreWaiters !== null && this.moreWaiters.remove(waiter);
  }

  /** @internal settles with a value; false when already settled. */
  resolve(value: T): boolean {
    return this.settle(true, value);
  }

  /** @internal settles with an error; false when already settled. */
  reject(error: unknown): boolean {
    return this.settle(false, error);
  }

  private settle(ok: boolean, outcome: unknown): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.ok = ok;
    this.outcome = outcome;
    const first = this.waiter;
    this.waiter = null;
    if (first !== null) this.deliver(first);
    if (this.moreWaiters !== null) {
      for (let w = this.moreWaiters.popFront(); w !== null; w = this.moreWaiters.popFront()) this.deliver(w);
    }
    return true;
  }

  private deliver(waiter: Waiter<T>): void {
    if (this.ok) waiter.wake(this.outcome as T);
    else waiter.fail(this.outcome);
  }
}
