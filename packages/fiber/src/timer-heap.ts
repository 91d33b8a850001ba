/** An entry of the timer heap: something that expires at `deadline`. */
export interface TimerEntry {
  deadline: number;
  /** Arrival order, so entries with equal deadlines expire first-in first-out. */
  seq: number;
  /** Position in the heap, or -1 when not in it. */
  index: number;
  expire(): void;
}

/**
 * A binary min-heap of deadlines behind at most one Node timer, always armed for the
 * earliest deadline. Every sleeping fiber shares it, so a million sleepers cost one timer.
 */
export class TimerHeap {
  private readonly entries: TimerEntry[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private seq = 0;
  private readonly onTimer = (): void => this.fire();

  get size(): number {
    return this.entries.length;
  }

  add(entry: TimerEntry): void {
    entry.seq = this.seq++;
    entry.index = this.entries.length;
    this.entries.push(entry);
    this.up(entry.index);
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
    this.arm();
    return true;
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = Date.now();
    for (let top = this.entries[0]; top !== undefined && top.deadline <= now; top = this.entries[0]) {
      this.removeTop();
      top.expire();
    }
    this.arm();
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

  /** Points the one timer at the earliest deadline (or clears it when nothing sleeps). */
  private arm(): void {
    const earliest = this.entries[0]?.deadline ?? Number.POSITIVE_INFINITY;
    if (earliest === this.armedFor) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = earliest;
    if (earliest !== Number.POSITIVE_INFINITY) {
      this.timer = setTimeout(this.onTimer, Math.max(0, earliest - Date.now()));
    }
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
