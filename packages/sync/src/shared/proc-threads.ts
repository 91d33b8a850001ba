import { readFileSync, readlinkSync } from 'node:fs';

/**
 * What Linux tells about the threads of this process under /proc: this thread's kernel
 * id, and whether (and since when) another one lives. Elsewhere every read says "unknown".
 */

/** Bits of a cell that hold a thread id: Linux thread ids stay below 2^22 (PID_MAX_LIMIT). */
export const THREAD_ID_MASK = (1 << 22) - 1;

/** This thread's kernel thread id, or null where /proc is missing. */
export function readKernelTid(): number | null {
  try {
    // "<pid>/task/<tid>"
    const link = readlinkSync('/proc/thread-self');
    const tid = Number(link.slice(link.lastIndexOf('/') + 1));
    return Number.isInteger(tid) && tid > 0 && tid <= THREAD_ID_MASK ? tid : null;
  } catch {
    return null;
  }
}

/** How long a look under /proc is reused: many waits behind one holder read it once. */
const LOOK_REUSE_MS = 20;
const recentLooks = new Map<number, { at: number; startTime: number | null | undefined }>();

/**
 * The start time of thread `tid` of this process (clock ticks since boot, low 31 bits):
 * null when it is gone or a zombie, undefined when it cannot be read (it counts as alive).
 */
export function startTimeOf(tid: number): number | null | undefined {
  const now = performance.now();
  const recent = recentLooks.get(tid);
  if (recent !== undefined && now - recent.at < LOOK_REUSE_MS) return recent.startTime;
  if (recentLooks.size > 1024) recentLooks.clear();
  const startTime = readStartTime(tid);
  recentLooks.set(tid, { at: now, startTime });
  return startTime;
}

function readStartTime(tid: number): number | null | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ESRCH' ? null : undefined;
  }
  // After "tid (name) ": state is field 3, start time field 22. The name may hold spaces
  // and parentheses, so count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  if (state === 'Z' || state === 'X' || state === 'x') return null;
  return Number(BigInt(fields[19] ?? '0') & 0x7fffffffn);
}
