/**
 * Thread pinning and CPU topology, from the native addon.
 *
 * Linux: `sched_setaffinity` / `sched_getaffinity` on the calling thread, and the cgroup
 * (v2 `cpu.max`, v1 CFS quota) CPU limit. Windows: `SetThreadAffinityMask` (CPUs 0-63).
 * macOS has no affinity API: `pinThread` throws `SystemError` (ENOTSUP) and
 * `currentAffinity` lists every CPU.
 */
import { SystemError } from '../errors.js';
import { nativeBinding } from './binding.js';
function systemError(syscall, errno) {
    return new SystemError(syscall, errno, nativeBinding().osErrorMessage(errno));
}
/** @internal The affinity calls the addon makes on `platform` (see native/src/topology/affinity.rs). */
export function affinityCalls(platform = process.platform) {
    switch (platform) {
        case 'linux':
            return { pin: 'sched_setaffinity', read: 'sched_getaffinity' };
        case 'win32':
            return { pin: 'SetThreadAffinityMask', read: 'GetProcessAffinityMask' };
        default:
            // No affinity API (macOS): pinning fails with ENOTSUP without calling the system.
            return { pin: `pinThread (no thread affinity API on ${platform})`, read: 'currentAffinity' };
    }
}
function checkCpuIds(cpus) {
    if (!Array.isArray(cpus))
        throw new TypeError('pinThread expects an array of CPU ids');
    if (cpus.length === 0)
        throw new RangeError('pinThread needs at least one CPU id');
    for (const cpu of cpus) {
        if (!Number.isInteger(cpu) || cpu < 0 || cpu > 0xffff_ffff) {
            throw new RangeError(`CPU ids are non-negative integers; got ${cpu}`);
        }
    }
    return [...cpus];
}
/**
 * Pins the calling thread (the main thread or the worker that calls it) to `cpus`.
 * Throws `SystemError` with the OS error number when the system refuses (Linux: EINVAL
 * from `sched_setaffinity` when none of the ids is a CPU this process may use; Windows: a
 * Win32 error code from `SetThreadAffinityMask`).
 */
export function pinThread(cpus) {
    const errno = nativeBinding().pinThread(checkCpuIds(cpus));
    if (errno !== 0)
        throw systemError(affinityCalls().pin, errno);
}
/** The CPU ids the calling thread may run on, in increasing order. */
export function currentAffinity() {
    const reading = nativeBinding().currentAffinity();
    if (reading.errno !== 0)
        throw systemError(affinityCalls().read, reading.errno);
    return reading.cpus;
}
/**
 * How many threads can usefully run in parallel: the calling thread's CPU set, limited by
 * the cgroup CPU quota (rounded up); at least 1.
 */
export function usableParallelism() {
    return nativeBinding().usableParallelism();
}
/**
 * The calling thread's kernel thread id (Linux `gettid`), e.g. to read its affinity back
 * from `/proc/self/task/<tid>/status`. 0 where the system has no such id.
 */
export function threadId() {
    return nativeBinding().threadId();
}
//# sourceMappingURL=topology.js.map