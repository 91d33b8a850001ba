/** The calls behind `pinThread` and `currentAffinity`, named in their `SystemError`s. */
export interface AffinityCalls {
    pin: string;
    read: string;
}
/**
 * Pins the calling thread (the main thread or the worker that calls it) to `cpus`.
 * Throws `SystemError` with the OS error number when the system refuses (Linux: EINVAL
 * from `sched_setaffinity` when none of the ids is a CPU this process may use; Windows: a
 * Win32 error code from `SetThreadAffinityMask`).
 */
export declare function pinThread(cpus: readonly number[]): void;
/** The CPU ids the calling thread may run on, in increasing order. */
export declare function currentAffinity(): number[];
/**
 * How many threads can usefully run in parallel: the calling thread's CPU set, limited by
 * the cgroup CPU quota (rounded up); at least 1.
 */
export declare function usableParallelism(): number;
/**
 * The calling thread's kernel thread id (Linux `gettid`), e.g. to read its affinity back
 * from `/proc/self/task/<tid>/status`. 0 where the system has no such id.
 */
export declare function threadId(): number;
//# sourceMappingURL=topology.d.ts.map