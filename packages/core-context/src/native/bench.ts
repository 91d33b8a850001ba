/** Native coroutine benchmarks (they run entirely in Rust; see native/src/bench.rs). */
import { NativeBindingError } from '../errors.js';
import { type NativeBinding, nativeBinding } from './binding.js';

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

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}; got ${value}`);
  }
}

type BenchName = 'benchRoundTrip' | 'benchManyCoroutines' | 'benchLimits';

/** @internal `binding[name]`, or a NativeBindingError where the addon was built without native coroutines. */
export function benchFunction<K extends BenchName>(
  binding: NativeBinding,
  name: K,
): NonNullable<NativeBinding[K]> {
  const bench = binding[name];
  if (typeof bench !== 'function') {
    throw new NativeBindingError(
      `${name} needs native coroutines, which are built only for Linux on x86_64 and aarch64; ` +
        `the addon for ${process.platform}-${process.arch} has pinning and topology only.`,
    );
  }
  return bench as NonNullable<NativeBinding[K]>;
}

/**
 * Nanoseconds per native round trip (one resume plus one suspend) over `iterations`, at
 * most `maxRoundTrips` of the addon's `benchLimits()` (100,000,000: about a second).
 */
export function benchRoundTrip(iterations: number): number {
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
export function benchManyCoroutines(count: number, stackSize = 4096): ManyCoroutinesReport {
  const binding = nativeBinding();
  const limits = benchFunction(binding, 'benchLimits')();
  checkInteger('count', count, 1, limits.maxCoroutines);
  const maxStackBytes = Math.floor(limits.maxTotalStackBytes / count);
  checkInteger('stackSize', stackSize, limits.minStackBytes, maxStackBytes);
  return benchFunction(binding, 'benchManyCoroutines')(count, stackSize);
}
