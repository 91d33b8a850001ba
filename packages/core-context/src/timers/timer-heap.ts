/**
 * How the heap reads and writes its fields on an entry. The entry keeps them private (a
 * Sleep in #private fields) and hands the heap these accessors, so a user holding an entry
 * can neither end it early nor reorder the heap: symbol keys would still be reachable with
 * Object.getOwnPropertySymbols.
 */
export interface TimerSlots<E> {
  deadline(entry: E): number;
  /** Arrival order, so entries with equal deadlines expire first-in first-out. */
  seq(entry: E): number;
  setSeq(entry: E, seq: number): void;
  /** Position in the heap, or -1 when not in it. */
  index(entry: E): number;
  setIndex(entry: E, index: number): void;
  /** Called once the deadline passed and the entry left the heap. */
  expire(entry: E): void;
}

/**
 * A binary min-heap of deadlines behind at most one Node timer, always armed for the
 * earliest deadline. Every sleeping fiber shares it, so a million sleepers cost one timer.
 */
export class TimerHeap<E> {
  private readonly entries: E[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private seq = 0;
  private readonly onTimer = (): void => this.fire();

  constructor(private readonly slots: TimerSlots<E>) {}

  get size(): number {
    return this.entries.length;
  }

  add(entry: E): void {
    this.slots.setSeq(entry, this.seq++);
    this.entries.push(entry);
    this.up(this.entries.length - 1);
    this.arm();
  }

  /** Removes `entry`; false when it is not in the heap. */
  remove(entry: E): boolean {
    const slots = this.slots;
    const index = slots.index(entry);
    if (index < 0 || this.entries[index] !== entry) return false;
    const last = this.entries.pop()!;
    slots.setIndex(entry, -1);
    if (last !== entry) {
      this.entries[index] = last;
      slots.setIndex(last, index);
      this.down(index);
      this.up(slots.index(last));
    }
    this.arm();
    return true;
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = Date.now();
    const slots = this.slots;
    for (let top = this.entries[0]; top !== undefined && slots.deadline(top) <= now; top = this.entries[0]) {
      this.removeTop();
      slots.expire(top);
    }
    this.arm();
  }

  private removeTop(): void {
    const top = this.entries[0]!;
    const last = this.entries.pop()!;
    this.slots.setIndex(top, -1);
    if (last !== top) {
      this.entries[0] = last;
      this.slots.setIndex(last, 0);
      this.down(0);
    }
  }

  /** Points the one timer at the earliest deadline (or clears it when nothing sleeps). */
  private arm(): void {
    const top = this.entries[0];
    const earliest = top === undefined ? Number.POSITIVE_INFINITY : this.slots.deadline(top);
    if (earliest === this.armedFor) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = earliest;
    if (earliest !== Number.POSITIVE_INFINITY) {
      this.timer = setTimeout(this.onTimer, Math.max(0, earliest - Date.now()));
    }
  }

  private before(a: E, b: E): boolean {
    const slots = this.slots;
    const da = slots.deadline(a);
    const db = slots.deadline(b);
    return da < db || (da === db && slots.seq(a) < slots.seq(b));
  }

  private up(index: number): void {
    const entries = this.entries;
    const entry = entries[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = entries[parentIndex]!;
      if (!this.before(entry, parent)) break;
      entries[index] = parent;
      this.slots.setIndex(parent, index);
      index = parentIndex;
    }
    entries[index] = entry;
    this.slots.setIndex(entry, index);
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
      this.slots.setIndex(smaller, index);
      index = child;
    }
    entries[index] = entry;
    this.slots.setIndex(entry, index);
  }
}
