/** What `benchManyCoroutines` measured. */
export interface ManyCoroutinesReport {
    /** Coroutines alive at once. */
    count: number;
    /** Usable bytes of each coroutine's stack. */
    stackSize: number;
    /** Resident set size of the process with all of them alive. */
    rssBytes: number;
    /** Growth of the resident set per coroutine. */
    bytesPerCoroutine: number;
    /** Nanoseconds per coroutine to create it and resume it twice. */
    nsPerCoroutine: number;
}
/**
 * Nanoseconds per native round trip (one resume plus one suspend) over `iterations`, at
 * most `maxRoundTrips` of the addon's `benchLimits()` (100,000,000: about a second).
 */
export declare function benchRoundTrip(iterations: number): number;
/**
 * Keeps `count` native coroutines alive at once on `stackSize`-byte stacks carved from one
 * mapping (no guard pages), resumes each twice, and reports the resident memory. The call
 * blocks its thread, so it is bounded: at most 1,000,000 coroutines, stacks of at least
 * 2,048 bytes, and 2 GiB of stacks in all (`count * stackSize`).
 */
export declare function benchManyCoroutines(count: number, stackSize?: number): ManyCoroutinesReport;
//# sourceMappingURL=bench.d.ts.map