import { createRequire } from 'node:module';
let mainThread;
/**
 * Whether this is Node's main thread, which must never block. Looked up on first use, not
 * at import, so that a program that never makes a blocking call (fibers, async code) does
 * not load node:worker_threads through Spindle.
 */
export function onMainThread() {
    if (mainThread === undefined) {
        const workerThreads = createRequire(import.meta.url)('node:worker_threads');
        mainThread = workerThreads.isMainThread;
    }
    return mainThread;
}
//# sourceMappingURL=main-thread.js.map