import { TimerHeap, type TimerSlots } from './timer-heap.js';

/**
 * An entry of this thread's shared timer heap: sleeps, wait timeouts, token deadlines and
 * select timer cases all sit in one heap behind one Node timer. An owner (a Sleep, a bounded
 * wait, a CancelSource) carries these fields itself, so arming a deadline allocates nothing,
 * and keeps the object private, so user code cannot fire or move it.
 */
export interface TimerEntry {
  /** `Date.now()` time at which it expires. */
  deadline: number;
  /** Arrival order: equal deadlines expire first-in first-out. */
  seq: number;
  /** Position in the heap, or -1 when not in it. */
  index: number;
  /** Called once the deadline passed and the entry left the heap. */
  expire(): void;
}

const slots: TimerSlots<TimerEntry> = {
  deadline: (entry) => entry.deadline,
  seq: (entry) => entry.seq,
  setSeq: (entry, seq) => {
    entry.seq = seq;
  },
  index: (entry) => entry.index,
  setIndex: (entry, index) => {
    entry.index = index;
  },
  expire: (entry) => entry.expire(),
};

/** The thread's timer heap. */
const timers = new TimerHeap<TimerEntry>(slots);

/** Arms `entry` to expire `ms` from now (re-arms it when it was armed). */
export function startTimer(entry: TimerEntry, ms: number): void {
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
