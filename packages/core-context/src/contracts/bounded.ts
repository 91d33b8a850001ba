import { describeValue } from '../describe-value.js';
import { TimeoutError } from '../errors.js';
import { startTimer, stopTimer, type TimerEntry } from '../timers/timer.js';
import { checkWaitOptions, hasLimits } from '../wait-options.js';
import type { CancelCallback } from './cancel.js';
import { Operation, PromiseWaiter, waitOn } from './operation.js';
import { Relay, RelayingOperation } from './relay.js';
import { isWaitable, type UnparkResult, type Waitable, type Waiter, type WaitOptions } from './wait.js';
import { abortedError, limitAlreadyFired, listenForLimits, stopListening } from './wait-limits.js';

/**
 * Waits on any Waitable from async code. With `timeout`, `signal` or `token`, the wait is
 * withdrawn when one fires and the promise rejects with `TimeoutError` or `Cancelled`.
 */
export function waitFor<T>(waitable: Waitable<T>, options?: WaitOptions): Promise<T> {
  checkWaitable(waitable, 'waitFor');
  if (!hasLimits(checkWaitOptions(options, 'waitFor'))) return waitOn(waitable);
  return new Promise<T>((resolve, reject) =>
    new BoundedWaiter(waitable, options!, new PromiseWaiter(resolve, reject)).begin(),
  );
}

/**
 * Wraps `waitable` so that a wait on it ends with an error at a timeout, an abort or a
 * token's cancellation. Without any of them (no options) it returns the operation itself
 * (an Operation as it is, any other Waitable wrapped). Like any Operation, the result may
 * be awaited (or `yield*`ed) by several callers at once: each wait gets its own deadline,
 * counted from when it parks.
 */
export function bounded<T>(waitable: Waitable<T>, options?: WaitOptions): Operation<T> {
  checkWaitable(waitable, 'bounded');
  if (!hasLimits(checkWaitOptions(options, 'bounded')) && waitable instanceof Operation) return waitable;
  return new BoundedWait(waitable, options ?? {});
}

/** The Operation `bounded()` returns: each wait is a fresh BoundedWaiter. */
class BoundedWait<T> extends RelayingOperation<T> {
  constructor(
    private readonly inner: Waitable<T>,
    private readonly options: WaitOptions,
  ) {
    super();
  }

  /** Withdrawing a bounded wait leaves no more trace than withdrawing the inner one. */
  get selectable(): boolean {
    return this.inner.selectable === true;
  }

  /** A wait with a timeout ends by itself, and so does one on a timed inner waitable. */
  get timed(): boolean {
    return this.options.timeout !== undefined || this.inner.timed === true;
  }

  override describe(): string {
    const what = this.inner.describe?.() ?? this.inner.constructor?.name ?? 'a waitable';
    const { timeout, signal, token } = this.options;
    const limits = [
      timeout === undefined ? '' : `timeout ${timeout} ms`,
      signal ? 'abortable' : '',
      token ? 'cancellable' : '',
    ];
    const suffix = limits.filter((limit) => limit !== '').join(', ');
    return suffix === '' ? what : `${what} (${suffix})`;
  }

  protected relay(outer: Waiter<T>): BoundedWaiter<T> {
    return new BoundedWaiter(this.inner, this.options, outer);
  }

  restore(value: T): void {
    this.inner.restore?.(value);
  }
}

/**
 * One wait with a deadline, an abort signal and/or a cancel token, relayed to the caller's
 * waiter, so it can disarm its limits when the inner outcome arrives. It is its own abort
 * listener (`handleEvent`) and its own deadline entry on the thread's shared timer heap, so
 * a park allocates only itself (and a token link when it has a token). Being the waiter
 * parked on the inner waitable, it shows that waitable its timer fields and `expire` (which
 * would end this wait with a TimeoutError early); a separate entry object would cost an
 * allocation per wait to hide what no waitable has a reason to touch.
 *
 * When a limit fires and the inner waitable answers `'pending'` (its withdrawal finishes
 * later), the wait goes on until that final outcome: a value is delivered (the operation
 * completed after all, nothing is lost), a failure is replaced by the limit's error.
 */
class BoundedWaiter<T> extends Relay<T> implements TimerEntry {
  deadline = 0;
  seq = 0;
  index = -1;
  private tokenLink: CancelCallback | null = null;
  /** The limit's error, once a limit fired and the inner withdrawal is still pending. */
  private gaveUpWith: Error | null = null;

  constructor(
    private readonly inner: Waitable<T>,
    private readonly options: WaitOptions,
    outer: Waiter<T>,
  ) {
    super(outer);
  }

  /** Parks on the inner waitable and arms the deadline, the abort listener and the token listener. */
  begin(): void {
    const fired = limitAlreadyFired(this.options);
    if (fired !== null) {
      this.fail(fired);
      return;
    }
    this.inner.park(this);
    if (!this.withdrawable) return; // completed (or withdrawn) inside park
    if (this.options.timeout !== undefined) startTimer(this, this.options.timeout);
    this.tokenLink = listenForLimits(this, this.options);
  }

  protected leave(): UnparkResult {
    return this.inner.unpark(this);
  }

  override settle(ok: boolean, outcome: unknown): void {
    super.settle(ok, ok ? outcome : (this.gaveUpWith ?? outcome));
  }

  override fail(error: unknown): boolean {
    return super.fail(this.gaveUpWith ?? error);
  }

  /** The timeout (the shared heap calls it). */
  expire(): void {
    this.giveUp(new TimeoutError(`The wait timed out after ${this.options.timeout} ms`));
  }

  /** The abort listener (EventTarget calls `handleEvent` on listener objects). */
  handleEvent(): void {
    this.giveUp(abortedError(this.options.signal!));
  }

  /** @internal a limit fired: withdraw, or wait for a pending withdrawal's final outcome */
  giveUp(error: Error): void {
    if (!this.withdrawable) return; // ended, or a withdrawal is pending already
    const result = this.inner.unpark(this);
    if (result === true) this.fail(error);
    else if (result === 'pending') {
      this.gaveUpWith = error;
      this.awaitFinal();
    }
  }

  protected override detached(): void {
    if (this.index >= 0) stopTimer(this);
    stopListening(this, this.options, this.tokenLink);
    this.tokenLink = null;
  }
}

function checkWaitable(waitable: unknown, what: string): void {
  if (!isWaitable(waitable)) {
    throw new TypeError(
      `${what}: expected a Waitable (an object with park and unpark), got ${describeValue(waitable)}`,
    );
  }
}
