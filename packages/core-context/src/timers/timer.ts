import { TimerHeap, type TimerSlots } from './timer-heap.js';

/**
 * One deadline on this thread's shared timer heap: sleeps, wait timeouts, token deadlines
 * and select timer cases all sit in one heap behind one Node timer. The owner (a Sleep, a
 * CancelSource) keeps its Timer in a private field, so user code cannot fire or move it.
 */
export abstract class Timer {
  /** `Date.now()` time at which it expires. */
  deadline = 0;
  /** Arrival order: equal deadlines expire first-in first-out. */
  seq = 0;
  /** Position in the heap, or -1 when not in it. */
  index = -1;

  /** Called once the deadline passed and the timer left the heap. */
  abstract expire(): void;

  /** Arms the timer `ms` from now (re-arms it when it was armed). */
  start(ms: number): void {
    if (this.index >= 0) timers.remove(this);
    this.deadline = Date.now() + ms;
    timers.add(this);
  }

  /** Disarms it; false when it was not armed (it expired or never started). */
  stop(): boolean {
    return timers.remove(this);
  }

  get armed(): boolean {
    return this.index >= 0;
  }
}

const slots: TimerSlots<Timer> = {
  deadline: (timer) => timer.deadline,
  seq: (timer) => timer.seq,
  setSeq: (timer, seq) => {
    timer.seq = seq;
  },
  index: (timer) => timer.index,
  setIndex: (timer, index) => {
    timer.index = index;
  },
  expire: (timer) => timer.expire(),
};

/** The thread's timer heap. */
const timers = new TimerHeap<Timer>(slots);

/** Number of armed timers on this thread's shared heap (for tests and diagnostics). */
export function pendingTimers(): number {
  return timers.size;
}
