import type { DoublyLinked } from '../intrusive/links.js';

/**
 * The wait protocol: how anything that may wait (a lock, a receive, a sleep, a read, a
 * fiber's result) parks a waiter and later hands it exactly one result.
 *
 *     waiter ──park──▶ Waitable ──(later) wake(value) / fail(error)──▶ waiter
 *            ◀─unpark─ (cancel: true when the waiter was still parked)
 *
 * Rules every Waitable follows:
 * 1. `park` may complete the waiter before it returns (the result was ready).
 * 2. Before calling `wake`/`fail` the waitable removes the waiter from its own
 *    structures, so the waiter's links are free (a fiber then links into a run queue).
 * 3. `wake`/`fail` return false when the waiter no longer accepts a result (it was
 *    cancelled, or a `select` already took another case). The waitable keeps the result
 *    and offers it to its next waiter: nothing is lost.
 * 4. `unpark` withdraws a parked waiter and returns true, or returns false when the
 *    waiter was already completed (or never parked here).
 */
// biome-ignore lint/suspicious/noExplicitAny: the link fields hold waiters of any result type
export interface Waiter<T = any> extends DoublyLinked<Waiter> {
  /** Offers a result. Returns false when the waiter no longer accepts one. */
  wake(value: T): boolean;
  /** Offers a failure. Returns false when the waiter no longer accepts one. */
  fail(error: unknown): boolean;
}

/** Something a waiter can park on. See the rules on {@link Waiter}. */
export interface Waitable<T = unknown> {
  park(waiter: Waiter<T>): void;
  unpark(waiter: Waiter<T>): boolean;
  /**
   * Takes back a result that a waiter accepted but could not use because it was cancelled
   * before it resumed (a halted fiber that had just been handed a lock releases it here).
   * Waitables whose results carry no obligation need not implement it.
   */
  restore?(value: T): void;
  /** True when a timer ends the wait by itself, so a waiter parked here is not stuck. */
  readonly timed?: boolean;
  /** A short human description of the wait (`"Mutex.lock()"`), for listings of stuck fibers. */
  describe?(): string;
}

/** True when `value` implements the wait protocol. */
export function isWaitable(value: unknown): value is Waitable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Waitable).park === 'function' &&
    typeof (value as Waitable).unpark === 'function'
  );
}

/** Options of any call that waits. */
export interface WaitOptions {
  /** Give up after this many milliseconds with a `TimeoutError`. */
  timeout?: number;
  /** Give up when this signal aborts, with a `Cancelled` error (its reason as cause). */
  signal?: AbortSignal;
}
