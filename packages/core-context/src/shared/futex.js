import { BlockingCallError, Cancelled } from '../errors.js';
import { hasAbandonedWaiter, noteAbandonedWaiter, noteAbandonedWaiterSettled } from './abandoned-waiters.js';
import { checkCells } from './cells.js';
import { onMainThread } from './main-thread.js';
import { SharedCell } from './shared-cell.js';
import { checkTimeout } from './timeouts.js';
/**
 * Blocks this thread while `view[index] === expected`, until `futexWake` or the timeout
 * (`Atomics.wait`). For worker threads only: on the main thread it throws
 * `BlockingCallError` instead of freezing the event loop; use `futexWaitAsync` there.
 * Futex waits may end spuriously: re-check the cell in a loop.
 *
 * While this thread has an abandoned `futexWaitAsync` waiter on the cell that V8 has not
 * settled, a wake may reach that dead waiter instead of this one; so then the wait
 * sleeps at most 5 ms and, if nobody woke it, passes a wake on and returns `'ok'` (a
 * spurious wake: the caller re-checks), or `'timed-out'` when the timeout is used up.
 */
export function futexWait(view, index, expected, timeoutMs) {
    checkCells(view, index, 1, 'futexWait');
    const timeout = checkTimeout(timeoutMs, 'futexWait');
    if (onMainThread())
        throw new BlockingCallError('futexWait');
    if (!hasAbandonedWaiter(view, index))
        return Atomics.wait(view, index, expected, timeout);
    return waitOneSlice(view, index, expected, timeout);
}
/** How long a blocking wait on a cell with an abandoned async waiter sleeps before it looks again. */
const ABANDONED_SLICE_MS = 5;
/**
 * One slice of a blocking wait behind an abandoned waiter. A wake meant for this wait may
 * have gone to the abandoned waiter, which passes it on only when this (blocked) thread's
 * loop runs; so after a slice nobody woke it in, it passes one on itself: to the
 * abandoned waiter (using it up) or to a live one, which re-checks.
 */
function waitOneSlice(view, index, expected, timeout) {
    const slice = Math.min(timeout, ABANDONED_SLICE_MS);
    const outcome = Atomics.wait(view, index, expected, slice);
    if (outcome !== 'timed-out')
        return outcome;
    Atomics.notify(view, index, 1);
    return slice === timeout ? 'timed-out' : 'ok';
}
// Long enough never to fire: the interval exists only to hold the event loop open.
const KEEP_ALIVE_MS = 2 ** 30;
function keepAlive() { }
/**
 * Waits without blocking while `view[index] === expected`, on any thread
 * (`Atomics.waitAsync`). A pending `waitAsync` does not keep Node's event loop alive, so
 * this holds a ref'd timer until the wait settles and releases it after.
 *
 * When `signal` aborts, the promise rejects with `Cancelled` and the timer is released at
 * once. V8 cannot withdraw the underlying waiter: it stays registered until a wake or
 * its timeout settles it, and if a wake does, it is passed on to another waiter of the
 * cell (`Atomics.notify(view, index, 1)`), so an abandoned wait never swallows a wake
 * meant for a live one. Until it settles, `futexWait` on this thread and cell waits in
 * slices, since that pass-on needs this thread's event loop.
 */
export function futexWaitAsync(view, index, expected, options) {
    checkCells(view, index, 1, 'futexWaitAsync');
    const timeout = checkTimeout(options?.timeout, 'futexWaitAsync');
    const signal = options?.signal;
    if (signal?.aborted)
        return Promise.reject(abortedWait(signal));
    const wait = Atomics.waitAsync(view, index, expected, timeout);
    if (!wait.async)
        return Promise.resolve(wait.value);
    const pending = wait.value;
    return new Promise((resolve, reject) => {
        const timer = setInterval(keepAlive, KEEP_ALIVE_MS);
        let abandoned = false;
        const onAbort = () => {
            abandoned = true;
            noteAbandonedWaiter(view, index);
            clearInterval(timer);
            reject(abortedWait(signal));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        pending.then((outcome) => {
            if (abandoned) {
                noteAbandonedWaiterSettled(view, index);
                if (outcome === 'ok')
                    Atomics.notify(view, index, 1);
                return;
            }
            clearInterval(timer);
            signal?.removeEventListener('abort', onAbort);
            resolve(outcome);
        });
    });
}
/**
 * Wakes up to `count` waiters of `view[index]` (all by default), sync and async alike,
 * and returns how many were woken (`Atomics.notify`).
 */
export function futexWake(view, index, count = Number.POSITIVE_INFINITY) {
    checkCells(view, index, 1, 'futexWake');
    if (count !== Number.POSITIVE_INFINITY && (!Number.isInteger(count) || count < 0)) {
        throw new RangeError(`futexWake: count must be a non-negative integer or Infinity, got ${String(count)}`);
    }
    return Atomics.notify(view, index, count);
}
function abortedWait(signal) {
    return new Cancelled('The futex wait was aborted by its signal', { cause: signal.reason });
}
/**
 * One futex cell as an object: self-allocating (`new Futex()`) or placed at `index` of the
 * caller's shared Int32Array (`new Futex(view, index)`), which is how the same cell is
 * opened in another worker.
 */
export class Futex extends SharedCell {
    /** Int32 slots a Futex occupies in a caller-provided view. */
    static INT32_SLOTS = 1;
    constructor(view, index = 0) {
        super(view, index, Futex.INT32_SLOTS, 'Futex');
    }
    /** The cell's current value. */
    load() {
        return Atomics.load(this.view, this.index);
    }
    /** Sets the cell (waking nobody: call `wake` after). */
    store(value) {
        Atomics.store(this.view, this.index, value);
    }
    /** {@link futexWait} on this cell (worker threads only). */
    wait(expected, timeoutMs) {
        return futexWait(this.view, this.index, expected, timeoutMs);
    }
    /** {@link futexWaitAsync} on this cell. */
    waitAsync(expected, options) {
        return futexWaitAsync(this.view, this.index, expected, options);
    }
    /** {@link futexWake} on this cell. */
    wake(count) {
        return futexWake(this.view, this.index, count);
    }
}
//# sourceMappingURL=futex.js.map