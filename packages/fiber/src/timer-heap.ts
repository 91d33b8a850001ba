/*
 * The heap's fields on an entry are keyed by symbols this module keeps to the package (the
 * package's exports do not reach it), so a user holding a Sleep can neither end it early nor
 * reorder the heap.
 */
export const DEADLINE: unique symbol = Symbol('deadline');
export const SEQ: unique symbol = Symbol('seq');
export const HEAP_INDEX: unique symbol = Symbol('heapIndex');
export const EXPIRE: unique symbol = Symbol('expire');

/** An entry of the timer heap: something that expires at its deadline. */
export interface TimerEntry {
  [DEADLINE]: number;
  /** Arrival order, so entries with equal deadlines expire first-in first-out. */
  [SEQ]: number;
  /** Position in the heap, or -1 when not in it. */
  [HEAP_INDEX]: number;
  [EXPIRE](): void;
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
    entry[SEQ] = this.seq++;
    entry[HEAP_INDEX] = this.entries.length;
    this.entries.push(entry);
    this.up(entry[HEAP_INDEX]);
    this.arm();
  }

  /** Removes `entry`; false when it is not in the heap. */
  remove(entry: TimerEntry): boolean {
    const index = entry[HEAP_INDEX];
    if (index < 0 || this.entries[index] !== entry) return false;
    const last = this.entries.pop()!;
    entry[HEAP_INDEX] = -1;
    if (last !== entry) {
      this.entries[index] = last;
      last[HEAP_INDEX] = index;
      this.down(index);
      this.up(last[HEAP_INDEX]);
    }
    this.arm();
    return true;
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = Date.now();
    for (let top = this.entries[0]; top !== undefined && top[DEADLINE] <= now; top = this.entries[0]) {
      this.removeTop();
      top[EXPIRE]();
    }
    this.arm();
  }

  private removeTop(): void {
    const top = this.entries[0]!;
    const last = this.entries.pop()!;
    top[HEAP_INDEX] = -1;
    if (last !== top) {
      this.entries[0] = last;
      last[HEAP_INDEX] = 0;
      this.down(0);
    }
  }

  /** Points the one timer at the earliest deadline (or clears it when nothing sleeps). */
  private arm(): void {
    const earliest = this.entries[0]?.[DEADLINE] ?? Number.POSITIVE_INFINITY;
    if (earliest === this.armedFor) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = earliest;
    if (earliest !== Number.POSITIVE_INFINITY) {
      this.timer = setTimeout(this.onTimer, Math.max(0, earliest - Date.now()));
    }
  }

  private before(a: TimerEntry, b: TimerEntry): boolean {
    return a[DEADLINE] < b[DEADLINE] || (a[DEADLINE] === b[DEADLINE] && a[SEQ] < b[SEQ]);
  }

  private up(index: number): void {
    const entries = this.entries;
    const entry = entries[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = entries[parentIndex]!;
      if (!this.before(entry, parent)) break;
      entries[index] = parent;
      parent[HEAP_INDEX] = index;
      index = parentIndex;
    }
    entries[index] = entry;
    entry[HEAP_INDEX] = index;
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
      smaller[HEAP_INDEX] = index;
      index = child;
    }
    entries[index] = entry;
    entry[HEAP_INDEX] = index;
  }
}
