import { readFileSync, readlinkSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

/**
 * Which thread holds a shared lock, and whether that thread still lives. JavaScript gets
 * no notice when another thread dies, and the native addon is missing on many platforms,
 * so on Linux a lock records its holder's kernel thread id, and a waiter that waited long
 * looks the holder up under /proc/self/task: gone (or a zombie) means dead. Where /proc is
 * missing, locks record the worker's threadId and every holder counts as alive.
 */

/** Bits of a cell that hold a thread id: Linux thread ids stay below 2^22 (PID_MAX_LIMIT). */
export const THREAD_ID_MASK = (1 << 22) - 1;

const kernelTid = readKernelTid();

/** True when a holder's death can be seen (Linux with /proc). */
export const holderDeathVisible = kernelTid !== null;

/** This thread's id as recorded in lock cells: never 0, read once per thread. */
export const selfId: number = kernelTid ?? (threadId % THREAD_ID_MASK) + 1;

function readKernelTid(): number | null {
  try {
    // "<pid>/task/<tid>"
    const link = readlinkSync('/proc/thread-self');
    const tid = Number(link.slice(link.lastIndexOf('/') + 1));
    return Number.isInteger(tid) && tid > 0 && tid <= THREAD_ID_MASK ? tid : null;
  } catch {
    return null;
  }
}

/**
 * One waiter's view of the holder it waits behind. A thread id can be reused by a thread
 * started later, so the first look notes the holder's start time and a later look that
 * finds another start time under the same id knows the holder died. (A holder that died
 * and whose id was reused before the first look, within one wait slice, is not noticed:
 * the id space must wrap around in that time.)
 */
export class HolderWatch {
  private id = 0;
  private startTime = 0;

  /** False only when the thread `id` certainly died: a busy thread is never declared dead. */
  isAlive(id: number): boolean {
    if (!holderDeathVisible || id === selfId) return true;
    if (id !== this.id) {
      const startTime = startTimeOf(id);
      if (startTime === null) return false;
      this.id = id;
      this.startTime = startTime ?? 0;
      return true;
    }
    return threadAlive(id, this.startTime);
  }
}

/** How long a look under /proc is reused: many waits behind one holder read it once. */
const LOOK_REUSE_MS = 20;
const recentLooks = new Map<number, { at: number; startTime: number | null | undefined }>();

/**
 * The start time of thread `tid` of this process (clock ticks since boot, low 31 bits):
 * null when it is gone or a zombie, undefined when it cannot be read (it counts as alive).
 */
function startTimeOf(tid: number): number | null | undefined {
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

/** This thread's start time as startTimeOf gives it (0 where unknown), read once per thread. */
export const selfStartTime: number = (kernelTid === null ? undefined : startTimeOf(kernelTid)) ?? 0;

/**
 * False only when the thread `id`, which started at `startTime` (0: not known), certainly
 * died: it is gone, a zombie, or another thread now has its id. A busy thread is alive.
 */
export function threadAlive(id: number, startTime: number): boolean {
  if (!holderDeathVisible || id === selfId) return true;
  const now = startTimeOf(id);
  if (now === null) return false;
  return now === undefined || startTime === 0 || now === startTime;
}
