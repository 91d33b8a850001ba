import { SharedCell } from './shared-cell.js';
/** How a futex wait ended: woken, the cell did not hold `expected`, or the timeout passed. */
export type FutexWaitResult = 'ok' | 'not-equal' | 'timed-out';
/** Options of {@link futexWaitAsync}. */
export interface FutexWaitAsyncOptions {
    /** Resolve with `'timed-out'` after this many milliseconds. */
    timeout?: number;
    /** Reject with `Cancelled` (the signal's reason as `cause`) when it aborts. */
    signal?: AbortSignal;
}
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
export declare function futexWait(view: Int32Array, index: number, expected: number, timeoutMs?: number): FutexWaitResult;
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
export declare function futexWaitAsync(view: Int32Array, index: number, expected: number, options?: FutexWaitAsyncOptions): Promise<FutexWaitResult>;
/**
 * Wakes up to `count` waiters of `view[index]` (all by default), sync and async alike,
 * and returns how many were woken (`Atomics.notify`).
 */
export declare function futexWake(view: Int32Array, index: number, count?: number): number;
/**
 * One futex cell as an object: self-allocating (`new Futex()`) or placed at `index` of the
 * caller's shared Int32Array (`new Futex(view, index)`), which is how the same cell is
 * opened in another worker.
 */
export declare class Futex extends SharedCell {
    /** Int32 slots a Futex occupies in a caller-provided view. */
    static readonly INT32_SLOTS = 1;
    constructor(view?: Int32Array, index?: number);
    /** The cell's current value. */
    load(): number;
    /** Sets the cell (waking nobody: call `wake` after). */
    store(value: number): void;
    /** {@link futexWait} on this cell (worker threads only). */
    wait(expected: number, timeoutMs?: number): FutexWaitResult;
    /** {@link futexWaitAsync} on this cell. */
    waitAsync(expected: number, options?: FutexWaitAsyncOptions): Promise<FutexWaitResult>;
    /** {@link futexWake} on this cell. */
    wake(count?: number): number;
}
//# sourceMappingURL=futex.d.ts.map