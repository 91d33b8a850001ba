/** Node cuts a longer setTimeout delay to 1 ms (TimeoutOverflowWarning): longer waits re-arm on firing. */
const MAX_DELAY = 0x7fffffff;

/**
 * An entry of a TimerHeap. Its owner (a Sleep's wait, a bounded wait, a CancelSource)
 * carries these fields itself, so arming a deadline allocates nothing. The owners are
 * internal objects, with one exception: a bounded wait is itself the waiter it parks on the
 * inner waitable, which could read these fields or call `expire` (ending that wait early
 * with a TimeoutError); a waitable has no reason to, and nothing else is reachable.
 */
export interface TimerEntry {
  /** `Date.now()` time at which it expires (Infinity: never, until removed). */
  deadline: number;
  /** Arrival order: equal deadlines expire first-in first-out. */
  seq: number;
  /** Position in the heap, or -1 when not in it. */
  index: number;
  /** Called once the deadline passed and the entry left the heap. */
  expire(): void;
}

/**
 * A binary min-heap of deadlines behind at most one Node timer. Every sleep, timeout and
 * deadline of the thread shares it, so a million sleepers cost one timer.
 *
 * The timer is disarmed lazily: when the earliest deadline moves later (it was removed, or
 * expired), the timer is kept and, when it fires early, re-armed for the earliest deadline;
 * so a select loop whose sleep case is added and withdrawn every round, while anything else
 * on the thread sleeps or has a deadline, makes no Node timer per round. When nothing is left
 * in the heap the timer is cleared: no Node timer outlives the last wait.
 */
export class TimerHeap {
  private readonly entries: TimerEntry[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The functions that made `timer`: a test that swaps in fake timers gets a timer of the new kind. */
  private madeBy: typeof setTimeout | undefined;
  private clearWith: typeof clearTimeout | undefined;
  /** `Date.now()` time at which `timer` fires. */
  private firesAt = Number.POSITIVE_INFINITY;
  private seq = 0;
  private readonly onTimer = (): void => this.fire();

  get size(): number {
    return this.entries.length;
  }

  add(entry: TimerEntry): void {
    entry.seq = this.seq++;
    this.entries.push(entry);
    this.up(this.entries.length - 1);
    this.arm();
  }

  /** Removes `entry`; false when it is not in the heap. */
  remove(entry: TimerEntry): boolean {
    const index = entry.index;
    if (index < 0 || this.entries[index] !== entry) return false;
    const last = this.entries.pop()!;
    entry.index = -1;
    if (last !== entry) {
      this.entries[index] = last;
      last.index = index;
      this.down(index);
      this.up(last.index);
    }
    if (this.entries.length === 0) this.idle();
    return true;
  }

  /**
   * Expires every due entry, each in its own try: one that throws neither stops the others
   * nor leaves the heap without a timer. Errors are rethrown (as one) after re-arming.
   */
  private fire(): void {
    this.timer = undefined;
    this.firesAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    let errors: unknown[] | null = null;
    for (let top = this.entries[0]; top !== undefined && top.deadline <= now; top = this.entries[0]) {
      this.removeTop();
      try {
        top.expire();
      } catch (error) {
        (errors ??= []).push(error);
      }
    }
    this.arm();
    if (errors !== null) {
      throw errors.length === 1 ? errors[0] : new AggregateError(errors, 'Timers threw when they expired');
    }
  }

  private removeTop(): void {
    const top = this.entries[0]!;
    const last = this.entries.pop()!;
    top.index = -1;
    if (last !== top) {
      this.entries[0] = last;
      last.index = 0;
      this.down(0);
    }
  }

  /** Makes sure the timer fires no later than the earliest deadline. */
  private arm(): void {
    const top = this.entries[0];
    if (top === undefined || top.deadline === Number.POSITIVE_INFINITY) {
      this.idle();
      return;
    }
    const earliest = top.deadline;
    if (this.timer !== undefined && this.madeBy === setTimeout && this.firesAt <= earliest) {
      return; // it fires in time (maybe early: fire() then re-arms)
    }
    this.idle();
    const now = Date.now();
    const delay = Math.min(MAX_DELAY, Math.max(0, earliest - now));
    this.madeBy = setTimeout;
    this.clearWith = clearTimeout;
    this.timer = setTimeout(this.onTimer, delay);
    this.firesAt = now + delay;
  }

  /** Clears the timer (nothing is due any more, or it is replaced by an earlier one). */
  private idle(): void {
    if (this.timer === undefined) return;
    this.clearWith!(this.timer);
    this.timer = undefined;
    this.firesAt = Number.POSITIVE_INFINITY;
  }

  private before(a: TimerEntry, b: TimerEntry): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
  }

  private up(index: number): void {
    const entries = this.entries;
    const entry = entries[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = entries[parentIndex]!;
      if (!this.before(entry, parent)) break;
      entries[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    entries[index] = entry;
    entry.index = index;
  }

  private down(index: number): void {
    const entries = this.entries;
    const count = entries.length;
    const entry = entries[index]!;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= count) break;
      if (child + 1 < count && this.before(entries[child + 1]!, entries[child]!)) child++;
      const smaller = entries[child]!;
      if (!this.before(smaller, entry)) break;
      entries[index] = smaller;
      smaller.index = index;
      index = child;
    }
    entries[index] = entry;
    entry.index = index;
  }
}
