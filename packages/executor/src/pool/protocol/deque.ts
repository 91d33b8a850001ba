/**
 * A Chase–Lev work-stealing deque of int32 values in shared memory. The owning worker
 * pushes and pops at the bottom without contention; any other thread steals from the top
 * with one compare-and-swap. All accesses are sequentially consistent (`Atomics`), which
 * gives the fences the algorithm needs. Fixed capacity: `push` returns false when full
 * and the caller overflows elsewhere.
 *
 * Layout at `base` (int32 indexes): [top, bottom, items × capacity].
 */
export class SharedDeque {
  static ints(capacity: number): number {
    return 2 + capacity;
  }

  private readonly top: number;
  private readonly bottom: number;
  private readonly items: number;
  readonly capacity: number;
  private readonly mask: number;

  constructor(
    private readonly words: Int32Array,
    base: number,
    capacity: number,
  ) {
    if (capacity < 2 || (capacity & (capacity - 1)) !== 0) {
      throw new RangeError(`deque capacity must be a power of two >= 2, got ${capacity}`);
    }
    this.top = base;
    this.bottom = base + 1;
    this.items = base + 2;
    this.capacity = capacity;
    this.mask = capacity - 1;
  }

  /** Owner only. False when full. */
  push(value: number): boolean {
    const w = this.words;
    const b = Atomics.load(w, this.bottom);
    const t = Atomics.load(w, this.top);
    if (((b - t) | 0) >= this.capacity) return false;
    Atomics.store(w, this.items + (b & this.mask), value);
    Atomics.store(w, this.bottom, (b + 1) | 0);
    return true;
  }

  /** Owner only: takes the newest value, or -1. */
  pop(): number {
    const w = this.words;
    const b = (Atomics.load(w, this.bottom) - 1) | 0;
    Atomics.store(w, this.bottom, b);
    const t = Atomics.load(w, this.top);
    const size = (b - t) | 0;
    if (size < 0) {
      Atomics.store(w, this.bottom, t);
      return -1;
    }
    const value = Atomics.load(w, this.items + (b & this.mask));
    if (size > 0) return value;
    // Last item: race the thieves for it.
    const won = Atomics.compareExchange(w, this.top, t, (t + 1) | 0) === t;
    Atomics.store(w, this.bottom, (t + 1) | 0);
    return won ? value : -1;
  }

  /** Any thread: takes the oldest value, or -1 when empty or when another thief won. */
  steal(): number {
    const w = this.words;
    const t = Atomics.load(w, this.top);
    const b = Atomics.load(w, this.bottom);
    if (((b - t) | 0) <= 0) return -1;
    const value = Atomics.load(w, this.items + (t & this.mask));
    return Atomics.compareExchange(w, this.top, t, (t + 1) | 0) === t ? value : -1;
  }

  /** Approximate number of values. */
  get size(): number {
    const size = (Atomics.load(this.words, this.bottom) - Atomics.load(this.words, this.top)) | 0;
    return size < 0 ? 0 : size;
  }
}
