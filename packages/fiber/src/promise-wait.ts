import { List, Operation, type Waiter } from '@spindle/core-context';

const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;

/**
 * A promise as a Waitable: a fiber yields it (or `yield* waitPromise(p)`) and resumes with
 * the promise's value, or with its rejection thrown. It subscribes to the promise once, on
 * the first park, and keeps the outcome, so it can be waited on again. A halted waiter is
 * simply removed: the promise cannot be withdrawn, but nobody is woken by it later.
 */
export class PromiseWait<T> extends Operation<T> {
  // Private (#) members: whoever holds the wait must not be able to settle it by hand.
  readonly #waiters = new List<Waiter<T>>();
  readonly #promise: PromiseLike<T>;
  #state = PENDING;
  #outcome: unknown;
  #subscribed = false;

  constructor(promise: PromiseLike<T>) {
    super();
    this.#promise = promise;
  }

  park(waiter: Waiter<T>): void {
    if (this.#state === FULFILLED) waiter.wake(this.#outcome as T);
    else if (this.#state === REJECTED) waiter.fail(this.#outcome);
    else {
      this.#waiters.pushBack(waiter);
      if (!this.#subscribed) {
        this.#subscribed = true;
        this.#promise.then(
          (value) => this.#settle(FULFILLED, value),
          (error: unknown) => this.#settle(REJECTED, error),
        );
      }
    }
  }

  unpark(waiter: Waiter<T>): boolean {
    return this.#waiters.remove(waiter);
  }

  describe(): string {
    return this.#state === PENDING ? 'a pending promise' : 'a settled promise';
  }

  #settle(state: number, outcome: unknown): void {
    this.#state = state;
    this.#outcome = outcome;
    const waiters = this.#waiters;
    for (let waiter = waiters.popFront(); waiter !== null; waiter = waiters.popFront()) {
      if (state === FULFILLED) waiter.wake(outcome as T);
      else waiter.fail(outcome);
    }
  }
}

/** True for promises and other thenables. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

/** Waits on a promise inside a fiber: `const v = yield* waitPromise(p)`. */
export function waitPromise<T>(promise: PromiseLike<T>): Operation<T> {
  if (!isPromiseLike(promise)) throw new TypeError('waitPromise expects a promise or another thenable');
  return new PromiseWait(promise);
}
