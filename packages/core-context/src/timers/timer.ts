import { type TimerEntry, TimerHeap } from './timer-heap.js';

export type { TimerEntry } from './timer-heap.js';

/**
 * This thread's timer heap: sleeps, wait timeouts, token deadlines and select timer cases
 * all sit in one heap behind one Node timer.
 */
const timers = new TimerHeap();

/** Arms `entry` to expire `ms` from now (re-arms it when it was armed); Infinity: never. */
export function startTimer(entry: TimerEntry, ms: number): void {
  if (typeof ms !== 'number' || !(ms >= 0)) {
    throw new RangeError(`A timer needs a number of milliseconds >= 0, got ${String(ms)}`);
  }
  if (entry.index >= 0) timers.remove(entry);
  entry.deadline = Date.now() + ms;
  timers.add(entry);
}

/** Disarms `entry`; false when it was not armed (it expired or never started). */
export function stopTimer(entry: TimerEntry): boolean {
  return entry.index >= 0 && timers.remove(entry);
}

/** Number of armed timers on this thread's shared heap (for tests and diagnostics). */
export function pendingTimers(): number {
  return timers.size;
}
