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

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min || value > 0xffff_ffff) {
    throw new RangeError(`${name} must be an integer from ${min} to 2^32-1; got ${value}`);
  }
}

type BenchName = 'benchRoundTrip' | 'benchManyCoroutines';

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

/** Nanoseconds per native round trip (one resume plus one suspend) over `iterations`. */
export function benchRoundTrip(iterations: number): number {
  checkCount('iterations', iterations, 1);
  return benchFunction(nativeBinding(), 'benchRoundTrip')(iterations).nsPerRoundTrip;
}

/**
 * Keeps `count` native coroutines alive at once on `stackSize`-byte stacks carved from one
 * mapping (no guard pages), resumes each twice, and reports the resident memory.
 */
export function benchManyCoroutines(count: number, stackSize = 4096): ManyCoroutinesReport {
  checkCount('count', count, 1);
  checkCount('stackSize', stackSize, 2048);
  return benchFunction(nativeBinding(), 'benchManyCoroutines')(count, stackSize);
}
