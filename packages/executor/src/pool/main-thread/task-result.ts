import { List, Operation, type Waiter } from '@spindle/core-context';

let settleResult: (result: TaskResult<unknown>, ok: boolean, outcome: unknown) => boolean;
let settledResult: (result: TaskResult<unknown>) => boolean;

/**
 * The result of one pool call: an Operation, so async code `await`s it (or uses `then`,
 * `catch` and `finally` as on a Promise) and a fiber `yield*`s it. It settles once; every
 * waiter parked on it gets the same outcome. Only the pool settles it (through `settle`
 * below, which this module keeps to the pool): its surface is Operation's.
 * Waiting allocates no list until a second waiter arrives.
 */
export class TaskResult<T> extends Operation<T> {
  #settled = false;
  #ok = false;
  #outcome: unknown;
  #waiter: Waiter<T> | null = null;
  #moreWaiters: List<Waiter<T>> | null = null;

  static {
    settleResult = (result, ok, outcome) => result.#settle(ok, outcome);
    settledResult = (result) => result.#settled;
  }

  /** The public name, not that of the pool's internal subclass. */
  override get [Symbol.toStringTag](): string {
    return 'TaskResult';
  }

  park(waiter: Waiter<T>): void {
    if (this.#settled) {
      this.#deliver(waiter);
    } else if (this.#waiter === null) {
      this.#waiter = waiter;
    } else {
      this.#moreWaiters ??= new List<Waiter<T>>();
      this.#moreWaiters.pushBack(waiter);
    }
  }

  unpark(waiter: Waiter<T>): boolean {
    if (this.#waiter === waiter) {
      this.#waiter = null;
      return true;
    }
    return this.#moreWaiters !== null && this.#moreWaiters.remove(waiter);
  }

  #settle(ok: boolean, outcome: unknown): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#ok = ok;
    this.#outcome = outcome;
    const first = this.#waiter;
    this.#waiter = null;
    if (first !== null) this.#deliver(first);
    const more = this.#moreWaiters;
    if (more !== null) {
      for (let w = more.popFront(); w !== null; w = more.popFront()) this.#deliver(w);
    }
    return true;
  }

  #deliver(waiter: Waiter<T>): void {
    if (this.#ok) waiter.wake(this.#outcome as T);
    else waiter.fail(this.#outcome);
  }
}

/** Settles `result` with a value (`ok`) or an error; false when it was settled already. */
export function settle(result: TaskResult<unknown>, ok: boolean, outcome: unknown): boolean {
  return settleResult(result, ok, outcome);
}

/** Whether `result` has settled. */
export function isSettled(result: TaskResult<unknown>): boolean {
  return settledResult(result);
}
