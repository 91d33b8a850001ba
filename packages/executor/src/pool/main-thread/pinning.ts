import { currentAffinity, NativeBindingError } from '@spindle/core-context';
import type { ThreadPoolOptions } from './options.js';

/** The error for `what` (a pool option or a worker) that asked to pin without the native addon. */
export function pinningNeedsAddon(what: string, cause: unknown): NativeBindingError {
  return new NativeBindingError(
    `${what}: pinning needs the native addon of @spindle/core-context, which is not available here (${process.platform}-${process.arch}); create the pool without \`pin\``,
    { cause },
  );
}

/** The CPUs this process may use, in order: `pin: true` puts worker i on the i-th of them. */
export function usableCpus(): number[] {
  return currentAffinity();
}

/** The usable CPUs for `pin: true`, read through the native addon (the only use of it on this thread). */
function cpusToPinTo(): number[] {
  try {
    return usableCpus();
  } catch (error) {
    if (!(error instanceof NativeBindingError)) throw error;
    throw pinningNeedsAddon('pin: true', error);
  }
}

/** The `pin` option checked: the CPU of each worker index (reused round-robin), or null when unpinned. */
export function pinList(pin: ThreadPoolOptions['pin'], workers: number): number[] | null {
  if (pin === undefined || pin === false) return null;
  if (pin === true) {
    const cpus = cpusToPinTo();
    return Array.from({ length: workers }, (_, i) => cpus[i % cpus.length]!);
  }
  if (!Array.isArray(pin) || pin.length === 0 || !pin.every((cpu) => Number.isInteger(cpu) && cpu >= 0)) {
    throw new TypeError('pin must be true, false, or a non-empty list of CPU numbers');
  }
  return [...pin];
}
