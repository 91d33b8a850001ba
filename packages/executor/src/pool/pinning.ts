import { currentAffinity, NativeBindingError, pinThread, threadId } from '@spindle/core-context';

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

/** What a worker reports once it is ready: its OS thread id and the CPUs it may run on. */
export function describeThread(): { tid: number; cpus: number[] } {
  return { tid: threadId(), cpus: currentAffinity() };
}

/** Pins the calling worker thread to `cpus` through core-context's native `pinThread`. */
export function pinCurrentThread(cpus: number[]): void {
  pinThread(cpus);
}
