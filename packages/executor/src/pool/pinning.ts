import { currentAffinity, pinThread, threadId } from '@spindle/core-context';

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
