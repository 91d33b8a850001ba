/** Counts a waiter on `view[index]` that this thread abandoned before V8 settled it. */
export declare function noteAbandonedWaiter(view: Int32Array, index: number): void;
/** Uncounts an abandoned waiter on `view[index]` once its `waitAsync` promise resolved. */
export declare function noteAbandonedWaiterSettled(view: Int32Array, index: number): void;
/** True while this thread has an abandoned, unsettled async waiter on `view[index]`. */
export declare function hasAbandonedWaiter(view: Int32Array, index: number): boolean;
//# sourceMappingURL=abandoned-waiters.d.ts.map