import { threadId } from 'node:worker_threads';
import { readKernelTid, startTimeOf, THREAD_ID_MASK } from './proc-threads.js';

/**
 * Which thread holds a shared lock, and whether that thread still lives. JavaScript gets
 * no notice when another thread dies, and the native addon is missing on many platforms,
 * so on Linux a lock records its holder's kernel thread id, and a waiter that waited long
 * looks the holder up under /proc/self/task: gone (or a zombie) means dead. Where /proc is
 * missing, locks record the worker's threadId and every holder counts as alive.
 */

export { THREAD_ID_MASK };

const kernelTid = readKernelTid();

/** True when a holder's death can be seen (Linux with /proc). */
export const holderDeathVisible = kernelTid !== null;

/** This thread's id as recorded in lock cells: never 0, read once per thread. */
export const selfId: number = kernelTid ?? (threadId % THREAD_ID_MASK) + 1;

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

/**
 * One waiter's view of the holder it waits behind. A thread id can be reused by a thread
 * started later, so the first look notes the holder's start time and a later look that
 * finds another start time under the same id knows the holder died. (A holder that died
 * and whose id was reused before the first look is not noticed.)
 */
export class HolderWatch {
  private id = 0;
  private startTime = 0;

  /** False only when the thread `id` certainly died: a busy thread is never declared dead. */
  isAlive(id: number): boolean {
    if (id !== this.id) {
      if (!holderDeathVisible || id === selfId) return true;
      this.id = id;
      this.startTime = startTimeOf(id) ?? 0;
    }
    return threadAlive(id, this.startTime);
  }
}
