/**
 * Loads the native addon built from `native/` (`pnpm build` runs scripts/build-native.mjs,
 * which writes `spindle-core-context.<platform>-<arch>.node` next to package.json).
 * Nothing loads until a native function is first called, so importing the package never
 * fails on a machine without the addon.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { NativeBindingError } from '../errors.js';

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
export function bindingFileName(platform: string = process.platform, arch: string = process.arch): string {
  return `spindle-core-context.${platform}-${arch}.node`;
}

/**
 * Where the addon is expected: the package root (two levels above src/native or dist/native),
 * or the file `SPINDLE_NATIVE_ADDON` names (tests name a missing one to act as a system without it).
 */
export function defaultBindingPath(): string {
  return (
    process.env.SPINDLE_NATIVE_ADDON ?? fileURLToPath(new URL(`../../${bindingFileName()}`, import.meta.url))
  );
}

/**
 * Loads the addon at `path`. Throws `NativeBindingError` naming the expected file when it
 * is missing or cannot be loaded.
 */
export function loadBinding(path: string = defaultBindingPath()): NativeBinding {
  if (!existsSync(path)) {
    throw new NativeBindingError(
      `The native addon of @spindle/core-context was not found at ${path}. ` +
        'Run `pnpm build` (it needs Rust and cargo) to build it.',
    );
  }
  try {
    return createRequire(import.meta.url)(path) as NativeBinding;
  } catch (cause) {
    throw new NativeBindingError(
      `The native addon of @spindle/core-context at ${path} could not be loaded ` +
        `(${(cause as Error).message}). Run \`pnpm build\` to rebuild it.`,
      { cause },
    );
  }
}

let loaded: NativeBinding | undefined;

/** The addon at the default path, loaded once on first use. */
export function nativeBinding(): NativeBinding {
  loaded ??= loadBinding();
  return loaded;
}
