import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';

/** Parses a Linux CPU list such as "0-3,6" into [0, 1, 2, 3, 6]. */
export function parseCpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const [from, to] = part.split('-').map(Number) as [number, number | undefined];
    for (let cpu = from; cpu <= (to ?? from); cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** The OS thread id of the calling thread (Linux), or -1. */
export function currentThreadId(): number {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return -1;
  }
}

/** The CPUs the calling thread may run on, read from /proc (Linux), or all CPUs elsewhere. */
export function threadAffinity(tid = currentThreadId()): number[] {
  try {
    const status = readFileSync(`/proc/self/task/${tid}/status`, 'utf8');
    const line = /^Cpus_allowed_list:\s*(.*)$/m.exec(status);
    if (line) return parseCpuList(line[1]!);
  } catch {
    // not Linux, or the thread is gone
  }
  return Array.from({ length: os.availableParallelism() }, (_, i) => i);
}

/** The CPUs this process may use, in order: `pin: true` puts worker i on the i-th of them. */
export function usableCpus(): number[] {
  return threadAffinity(currentThreadId());
}

type PinThread = (cpus: number[]) => void;

/** Where core-context's native `pinThread` may be exported (the root, or a `native` subpath). */
const NATIVE_SPECIFIERS: readonly string[] = ['@spindle/core-context', '@spindle/core-context/native'];

async function nativePinThread(): Promise<PinThread | null> {
  for (const specifier of NATIVE_SPECIFIERS) {
    try {
      const module = (await import(specifier)) as { pinThread?: unknown };
      if (typeof module.pinThread === 'function') return module.pinThread as PinThread;
    } catch {
      // not exported there (yet)
    }
  }
  return null;
}

/**
 * Pins the calling thread to `cpus`. Uses core-context's native `pinThread` when its build
 * exports it and its addon loads; otherwise sets the affinity of this thread's OS id with
 * `taskset`.
 */
export async function pinCurrentThread(cpus: number[]): Promise<void> {
  const pin = await nativePinThread();
  if (pin !== null) {
    try {
      pin(cpus);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_SPINDLE_NATIVE_MISSING') throw error;
    }
  }
  const tid = currentThreadId();
  if (tid < 0) throw new Error('pinning needs Linux: /proc/thread-self is missing');
  execFileSync('taskset', ['-p', '-c', cpus.join(','), String(tid)], { stdio: 'ignore' });
}
