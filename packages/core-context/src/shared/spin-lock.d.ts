import { SharedCell } from './shared-cell.js';
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
export declare class SpinLock extends SharedCell {
    /** Int32 slots a SpinLock occupies in a caller-provided view. */
    static readonly INT32_SLOTS = 1;
    /** How long `lock()` without a timeout may spin on the main thread before it throws. */
    static readonly MAIN_THREAD_TIMEOUT_MS = 1000;
    constructor(view?: Int32Array, index?: number);
    /** True when some thread holds the lock (a snapshot). */
    get isLocked(): boolean;
    /** Takes the lock if it is free; never waits. */
    tryLock(): boolean;
    /**
     * Takes the lock, backing off while it is held. Throws `TimeoutError` after
     * `timeoutMs` (default: no limit on workers, `MAIN_THREAD_TIMEOUT_MS` on the main thread).
     * On the main thread a timeout that is not finite is a `RangeError` at the call: it
     * would spin there forever.
     */
    lock(timeoutMs?: number): void;
    /** Releases the lock. Throws `NotHeldError` when it is not locked. */
    unlock(): void;
    /** Runs `critical` with the lock held and releases it after, even when `critical` throws. */
    withLock<T>(critical: () => T, timeoutMs?: number): T;
    private lockContended;
}
//# sourceMappingURL=spin-lock.d.ts.map