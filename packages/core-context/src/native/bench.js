/** Native coroutine benchmarks (they run entirely in Rust; see native/src/bench.rs). */
import { NativeBindingError } from '../errors.js';
import { nativeBinding } from './binding.js';
function checkInteger(name, value, min, max) {
    if (!Number.isInteger(value) || value < min || value > max) {
        throw new RangeError(`${name} must be an integer from ${min} to ${max}; got ${value}`);
    }
}
/** @internal `binding[name]`, or a NativeBindingError where the addon was built without native coroutines. */
export function benchFunction(binding, name) {
    const bench = binding[name];
    if (typeof bench !== 'function') {
        throw new NativeBindingError(`${name} needs native coroutines, which are built only for Linux on x86_64 and aarch64; ` +
            `the addon for ${process.platform}-${process.arch} has pinning and topology only.`);
    }
    return bench;
}
/**
 * Nanoseconds per native round trip (one resume plus one suspend) over `iterations`, at
 * most `maxRoundTrips` of the addon's `benchLimits()` (100,000,000: about a second).
 */
export function benchRoundTrip(iterations) {
    const binding = nativeBinding();
    const limits = benchFunction(binding, 'benchLimits')();
    checkInteger('iterations', iterations, 1, limits.maxRoundTrips);
    return benchFunction(binding, 'benchRoundTrip')(iterations).nsPerRoundTrip;
}
/**
 * Keeps `count` native coroutines alive at once on `stackSize`-byte stacks carved from one
 * mapping (no guard pages), resumes each twice, and reports the resident memory. The call
 * blocks its thread, so it is bounded: at most 1,000,000 coroutines, stacks of at least
 * 2,048 bytes, and 2 GiB of stacks in all (`count * stackSize`).
 */
export function benchManyCoroutines(count, stackSize = 4096) {
    const binding = nativeBinding();
    const limits = benchFunction(binding, 'benchLimits')();
    checkInteger('count', count, 1, limits.maxCoroutines);
    const maxStackBytes = Math.floor(limits.maxTotalStackBytes / count);
    checkInteger('stackSize', stackSize, limits.minStackBytes, maxStackBytes);
    return benchFunction(binding, 'benchManyCoroutines')(count, stackSize);
}
//# sourceMappingURL=bench.js.map