import { List } from '../intrusive/list.js';
import { Operation } from './operation.js';
import type { UnparkResult, Waiter } from './wait.js';

const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;

/**
 * The base of an operation over ONE outcome that every waiter shares (a fiber's result, a
 * pool task's result, a promise, a Deferred): it settles once, and every wait on it, before
 * or after, gets that same outcome. Withdrawing a waiter leaves no trace, so it can be a
 * select case. Waiting allocates no list until a second waiter parks at the same time.
 *
 * Subclasses settle it through `settleOutcome` and may hook the first park (start the work
 * lazily) and a withdrawal (cancel work nobody waits for any more).
 */
export abstract class SharedOutcome<T> extends Operation<T> {
  #state = PENDING;
  #outcome: unknown = undefined;
  #waiter: Waiter<T> | null = null;
  #moreWaiters: List<Waiter<T>> | null = null;

  /** Withdrawing a waiter leaves no trace (a prototype getter: no field per outcome). */
  get selectable(): boolean {
    return true;
  }

  /** True once settled. */
  get settled(): boolean {
    return this.#state !== PENDING;
  }

  /** Number of waiters parked now. */
  protected get waiterCount(): number {
    return (this.#waiter === null ? 0 : 1) + (this.#moreWaiters?.size ?? 0);
  }

  park(waiter: Waiter<T>): void {
    if (this.#state !== PENDING) {
      this.#deliver(waiter);
      return;
    }
    if (this.#waiter === null) this.#waiter = waiter;
    else (this.#moreWaiters ??= new List<Waiter<T>>()).pushBack(waiter);
    this.parked(waiter);
  }

  /** A select's first pass: delivers a settled outcome now; false (nothing kept) while pending. */
  poll(waiter: Waiter<T>): boolean {
    return this.#state !== PENDING && this.#deliver(waiter);
  }

  unpark(waiter: Waiter<T>): UnparkResult {
    if (this.#waiter === waiter) this.#waiter = null;
    else if (this.#moreWaiters === null || !this.#moreWaiters.remove(waiter)) return false;
    return this.withdrawn(waiter);
  }

  /**
   * Settles with a value (`ok`) or an error and hands it to every parked waiter (a waiter
   * that refuses is simply done: the outcome stays here for later waits). False when it
   * had settled already.
   */
  protected settleOutcome(ok: boolean, outcome: unknown): boolean {
    if (this.#state !== PENDING) return false;
    this.#state = ok ? FULFILLED : REJECTED;
    this.#outcome = outcome;
    const first = this.#waiter;
    this.#waiter = null;
    if (first !== null) this.#deliver(first);
    const more = this.#moreWaiters;
    if (more !== null) for (let w = more.popFront(); w !== null; w = more.popFront()) this.#deliver(w);
    return true;
  }

  /** Called after `waiter` parked on the pending outcome (e.g. to start the work on first park). */
  protected parked(_waiter: Waiter<T>): void {}

  /**
   * Called after `waiter` was withdrawn from the pending outcome; its answer is `unpark`'s.
   * Override to cancel work nobody waits for (return `'pending'` when the waiter must then
   * wait for that work to end). The base has already dropped `waiter`, so after answering
   * `'pending'` the subclass owes it the one final outcome and must deliver it itself
   * (`settleOutcome` no longer reaches it).
   */
  protected withdrawn(_waiter: Waiter<T>): UnparkResult {
    return true;
  }

  #deliver(waiter: Waiter<T>): boolean {
    return this.#state === FULFILLED ? waiter.wake(this.#outcome as T) : waiter.fail(this.#outcome);
  }
}

/**
 * A promise/resolver pair as an Operation: `await d` or `yield* d` waits until someone calls
 * `resolve` or `reject`; every wait, before or after, sees that one outcome.
 *
 * ```ts
 * const ready = new Deferred<string>();
 * setTimeout(() => ready.resolve('loaded'), 10);
 * await ready; // 'loaded'
 * ```
 */
export class Deferred<T> extends SharedOutcome<T> {
  /** Settles with `value`; false when it had settled already. */
  resolve(value: T): boolean {
    return this.settleOutcome(true, value);
  }

  /** Settles with `error`; false when it had settled already. */
  reject(error: unknown): boolean {
    return this.settleOutcome(false, error);
  }

  describe(): string {
    return this.settled ? 'a settled Deferred' : 'a pending Deferred';
  }
}
