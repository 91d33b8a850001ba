import { describeValue } from '../describe-value.js';
import { Cancelled, TimeoutError } from '../errors.js';
import { startTimer, stopTimer } from '../timers/timer.js';
import { checkWaitOptions, hasLimits } from '../wait-options.js';
import { CancelCallback } from './cancel.js';
import { Operation, PromiseWaiter, waitOn } from './operation.js';
import { Relay, RelayingOperation } from './relay.js';
import { isWaitable } from './wait.js';
const ONCE = { once: true };
/**
 * Waits on any Waitable from async code. With `timeout`, `signal` or `token`, the wait is
 * withdrawn when one fires and the promise rejects with `TimeoutError` or `Cancelled`.
 */
export function waitFor(waitable, options) {
    checkWaitable(waitable, 'waitFor');
    if (!hasLimits(checkWaitOptions(options, 'waitFor')))
        return waitOn(waitable);
    return new Promise((resolve, reject) => new BoundedWaiter(waitable, options, new PromiseWaiter(resolve, reject)).begin());
}
/**
 * Wraps `waitable` so that a wait on it ends with an error at a timeout, an abort or a
 * token's cancellation. Without any of them (no options) it returns the operation itself
 * (an Operation as it is, any other Waitable wrapped). Like any Operation, the result may
 * be awaited (or `yield*`ed) by several callers at once: each wait gets its own deadline,
 * counted from when it parks.
 */
export function bounded(waitable, options) {
    checkWaitable(waitable, 'bounded');
    if (!hasLimits(checkWaitOptions(options, 'bounded')) && waitable instanceof Operation)
        return waitable;
    return new BoundedWait(waitable, options ?? {});
}
/** The Operation `bounded()` returns: each wait is a fresh BoundedWaiter. */
class BoundedWait extends RelayingOperation {
    inner;
    options;
    constructor(inner, options) {
        super();
        this.inner = inner;
        this.options = options;
    }
    /** Withdrawing a bounded wait leaves no more trace than withdrawing the inner one. */
    get selectable() {
        return this.inner.selectable === true;
    }
    /** A wait with a timeout ends by itself, and so does one on a timed inner waitable. */
    get timed() {
        return this.options.timeout !== undefined || this.inner.timed === true;
    }
    describe() {
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
    relay(outer) {
        return new BoundedWaiter(this.inner, this.options, outer);
    }
    restore(value) {
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
class BoundedWaiter extends Relay {
    inner;
    options;
    deadline = 0;
    seq = 0;
    index = -1;
    tokenLink = null;
    /** The limit's error, once a limit fired and the inner withdrawal is still pending. */
    gaveUpWith = null;
    constructor(inner, options, outer) {
        super(outer);
        this.inner = inner;
        this.options = options;
    }
    /** Parks on the inner waitable and arms the deadline, the abort listener and the token listener. */
    begin() {
        const { signal, timeout, token } = this.options;
        if (signal?.aborted) {
            this.fail(this.abortedError());
            return;
        }
        if (token?.cancelled) {
            this.fail(token.reason);
            return;
        }
        this.inner.park(this);
        if (!this.withdrawable)
            return; // completed (or withdrawn) inside park
        if (timeout !== undefined)
            startTimer(this, timeout);
        signal?.addEventListener('abort', this, ONCE);
        if (token !== undefined) {
            this.tokenLink = new CancelCallback((reason) => this.giveUp(reason));
            if (!token.listen(this.tokenLink))
                this.giveUp(token.reason); // cancelled inside park
        }
    }
    leave() {
        return this.inner.unpark(this);
    }
    settle(ok, outcome) {
        super.settle(ok, ok ? outcome : (this.gaveUpWith ?? outcome));
    }
    fail(error) {
        return super.fail(this.gaveUpWith ?? error);
    }
    /** The timeout (the shared heap calls it). */
    expire() {
        this.giveUp(new TimeoutError(`The wait timed out after ${this.options.timeout} ms`));
    }
    /** The abort listener (EventTarget calls `handleEvent` on listener objects). */
    handleEvent() {
        this.giveUp(this.abortedError());
    }
    /** @internal a limit fired: withdraw, or wait for a pending withdrawal's final outcome */
    giveUp(error) {
        if (!this.withdrawable)
            return; // ended, or a withdrawal is pending already
        const result = this.inner.unpark(this);
        if (result === true)
            this.fail(error);
        else if (result === 'pending') {
            this.gaveUpWith = error;
            this.awaitFinal();
        }
    }
    detached() {
        if (this.index >= 0)
            stopTimer(this);
        this.options.signal?.removeEventListener('abort', this);
        if (this.tokenLink !== null) {
            this.options.token.unlisten(this.tokenLink);
            this.tokenLink = null;
        }
    }
    abortedError() {
        return new Cancelled('The wait was aborted by its signal', { cause: this.options.signal?.reason });
    }
}
function checkWaitable(waitable, what) {
    if (!isWaitable(waitable)) {
        throw new TypeError(`${what}: expected a Waitable (an object with park and unpark), got ${describeValue(waitable)}`);
    }
}
//# sourceMappingURL=bounded.js.map