import { Operation } from './operation.js';
import { type Waitable, type WaitOptions } from './wait.js';
/**
 * Waits on any Waitable from async code. With `timeout`, `signal` or `token`, the wait is
 * withdrawn when one fires and the promise rejects with `TimeoutError` or `Cancelled`.
 */
export declare function waitFor<T>(waitable: Waitable<T>, options?: WaitOptions): Promise<T>;
/**
 * Wraps `waitable` so that a wait on it ends with an error at a timeout, an abort or a
 * token's cancellation. Without any of them (no options) it returns the operation itself
 * (an Operation as it is, any other Waitable wrapped). Like any Operation, the result may
 * be awaited (or `yield*`ed) by several callers at once: each wait gets its own deadline,
 * counted from when it parks.
 */
export declare function bounded<T>(waitable: Waitable<T>, options?: WaitOptions): Operation<T>;
//# sourceMappingURL=bounded.d.ts.map