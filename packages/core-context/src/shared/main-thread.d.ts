/**
 * Whether this is Node's main thread, which must never block. Looked up on first use, not
 * at import, so that a program that never makes a blocking call (fibers, async code) does
 * not load node:worker_threads through Spindle.
 */
export declare function onMainThread(): boolean;
//# sourceMappingURL=main-thread.d.ts.map