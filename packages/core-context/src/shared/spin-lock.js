import { NotHeldError, TimeoutError } from '../errors.js';
import { onMainThread } from './main-thread.js';
import { SharedCell } from './shared-cell.js';
import { checkTimeout } from './timeouts.js';
const UNLOCKED = 0;
const LOCKED = 1;
// Backoff: rounds of busy polling that double up to MAX_SPINS loads, then (on workers)
// sleeps that double from MIN_PAUSE_MS up to MAX_PAUSE_MS and hand the core to the holder.
const MAX_SPINS = 1024;
const MIN_PAUSE_MS = 0.02;
const MAX_PAUSE_MS = 1;
/**
 * A test-and-test-and-set spin lock in one Int32 cell of shared memory, usable from any
 * thread that sees the buffer. For critical sections of a few instructions; anything
 * longer wants a parking mutex (`@spindle/sync`).
 *
 * Self-allocating (`new SpinLock()`) or placed at `index` of the caller's Int32Array over
 * a SharedArrayBuffer (`new SpinLock(view, index)`, occupying `SpinLock.INT32_SLOTS`
 * cells); a worker opens the same lock with the same view and index.
 *
 * `lock` backs off exponentially: it polls the cell in doubling rounds, then on a worker
 * sleeps in doubling pauses (`Atomics.wait` with a timeout) so a descheduled holder gets
 * the core. The main thread never sleeps and never waits forever: it polls, and gives up
 * with `TimeoutError` after `SpinLock.MAIN_THREAD_TIMEOUT_MS` unless told otherwise.
 * The lock has no owner: any thread may unlock a locked lock.
 */
export class SpinLock extends SharedCell {
    /** Int32 slots a SpinLock occupies in a caller-provided view. */
    static INT32_SLOTS = 1;
    /** How long `lock()` without a timeout may spin on the main thread before it throws. */
    static MAIN_THREAD_TIMEOUT_MS = 1000;
    constructor(view, index = 0) {
        super(view, index, SpinLock.INT32_SLOTS, 'SpinLock');
    }
    /** True when some thread holds the lock (a snapshot). */
    get isLocked() {
        return Atomics.load(this.view, this.index) === LOCKED;
    }
    /** Takes the lock if it is free; never waits. */
    tryLock() {
        return Atomics.compareExchange(this.view, this.index, UNLOCKED, LOCKED) === UNLOCKED;
    }
    /**
     * Takes the lock, backing off while it is held. Throws `TimeoutError` after
     * `timeoutMs` (default: no limit on workers, `MAIN_THREAD_TIMEOUT_MS` on the main thread).
     * On the main thread a timeout that is not finite is a `RangeError` at the call: it
     * would spin there forever.
     */
    lock(timeoutMs) {
        if (timeoutMs !== undefined)
            checkLockTimeout(timeoutMs);
        if (Atomics.compareExchange(this.view, this.index, UNLOCKED, LOCKED) === UNLOCKED)
            return;
        this.lockContended(timeoutMs);
    }
    /** Releases the lock. Throws `NotHeldError` when it is not locked. */
    unlock() {
        if (Atomics.compareExchange(this.view, this.index, LOCKED, UNLOCKED) !== LOCKED) {
            throw new NotHeldError('SpinLock.unlock() was called on a lock that is not locked; lock it first');
        }
    }
    /** Runs `critical` with the lock held and releases it after, even when `critical` throws. */
    withLock(critical, timeoutMs) {
        this.lock(timeoutMs);
        try {
            return critical();
        }
        finally {
            this.unlock();
        }
    }
    lockContended(timeoutMs) {
        const { view, index } = this;
        const limit = timeoutMs === undefined && onMainThread() ? SpinLock.MAIN_THREAD_TIMEOUT_MS : (timeoutMs ?? Infinity);
        const deadline = performance.now() + limit;
        let spins = 1;
        let pauseMs = MIN_PAUSE_MS;
        for (;;) {
            for (let i = 0; i < spins && Atomics.load(view, index) === LOCKED; i++)
                ;
            if (Atomics.compareExchange(view, index, UNLOCKED, LOCKED) === UNLOCKED)
                return;
            if (spins < MAX_SPINS) {
                spins *= 2;
                continue;
            }
            if (performance.now() >= deadline) {
                throw new TimeoutError(`SpinLock.lock() gave up after ${limit} ms: the lock is still held. Hold a spin lock only briefly, or pass a longer timeout`);
            }
            if (!onMainThread()) {
                Atomics.wait(view, index, LOCKED, pauseMs);
                pauseMs = Math.min(pauseMs * 2, MAX_PAUSE_MS);
            }
        }
    }
}
/** A valid `lock` timeout: non-negative, and finite on the main thread, which never sleeps. */
function checkLockTimeout(timeoutMs) {
    checkTimeout(timeoutMs, 'SpinLock.lock');
    if (onMainThread() && !Number.isFinite(timeoutMs)) {
        throw new RangeError(`SpinLock.lock: on the main thread the timeout must be finite, got ${timeoutMs}: the main thread ` +
            `only spins and would never stop. Pass a finite timeout, or none for MAIN_THREAD_TIMEOUT_MS (${SpinLock.MAIN_THREAD_TIMEOUT_MS} ms)`);
    }
}
//# sourceMappingURL=spin-lock.js.map