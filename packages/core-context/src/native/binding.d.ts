/** `currentAffinity` as the addon returns it: the CPU ids, or the errno that prevented reading them. */
export interface NativeAffinityReading {
    errno: number;
    cpus: number[];
}
/** What `benchRoundTrip` measured, as the addon returns it (the checksum is n(n + 1)/2 when no value was lost). */
export interface NativeRoundTripReport {
    roundTrips: number;
    checksum: number;
    nsPerRoundTrip: number;
}
/** What `benchManyCoroutines` measured, as the addon returns it. */
export interface NativeManyCoroutinesReport {
    count: number;
    stackSize: number;
    rssBytes: number;
    bytesPerCoroutine: number;
    nsPerCoroutine: number;
}
/** The sizes the native benchmarks accept: they run on the calling thread, so they are bounded. */
export interface NativeBenchLimits {
    maxRoundTrips: number;
    maxCoroutines: number;
    minStackBytes: number;
    /** Largest `count * stackSize` of one `benchManyCoroutines` call. */
    maxTotalStackBytes: number;
}
/**
 * The raw functions of the addon (see native/src/node/). Failing system calls return errno.
 * The benchmark functions exist only where native coroutines build (Linux on x86_64 and
 * aarch64).
 */
export interface NativeBinding {
    pinThread(cpus: number[]): number;
    currentAffinity(): NativeAffinityReading;
    usableParallelism(): number;
    threadId(): number;
    osErrorMessage(errno: number): string;
    benchRoundTrip?(iterations: number): NativeRoundTripReport;
    benchManyCoroutines?(count: number, stackSize: number): NativeManyCoroutinesReport;
    benchLimits?(): NativeBenchLimits;
}
/** File name of the addon for this platform and architecture. */
export declare function bindingFileName(platform?: string, arch?: string): string;
/**
 * Where the addon is expected: the package root (two levels above src/native or dist/native),
 * or the file `SPINDLE_NATIVE_ADDON` names (tests name a missing one to act as a system without it).
 */
export declare function defaultBindingPath(): string;
/**
 * Loads the addon at `path`. Throws `NativeBindingError` naming the expected file when it
 * is missing or cannot be loaded.
 */
export declare function loadBinding(path?: string): NativeBinding;
/** The addon at the default path, loaded once on first use. */
export declare function nativeBinding(): NativeBinding;
//# sourceMappingURL=binding.d.ts.map