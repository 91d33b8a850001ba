/**
 * A bounded multi-producer multi-consumer queue of int32 values in shared memory
 * (Dmitry Vyukov's sequenced ring): each cell carries a sequence number that says whether
 * it is ready to be written or read at a given position, so producers and consumers on any
 * thread claim cells with one compare-and-swap and never lock. Positions wrap as int32;
 * differences are taken with `| 0`, which stays correct because capacity is far below 2^31.
 *
 * Layout at `base` (int32 indexes): [head, tail, cells: (seq, value) × capacity].
 */
export class SharedRing {
  static ints(capacity: number): number {
    return 2 + 2 * capacity;
  }

  private readonly head: number;
  private readonly tail: number;
  private readonly cells: number;
  readonly capacity: number;
  private readonly mask: number;

  constructor(
    private readonly words: Int32Array,
    base: number,
    capacity: number,
  ) {
    if (capacity < 2 || (capacity & (capacity - 1)) !== 0) {
      throw new RangeError(`ring capacity must be a power of two >= 2, got ${capacity}`);
    }
    this.head = base;
    this.tail = base + 1;
    this.cells = base + 2;
    this.capacity = capacity;
    this.mask = capacity - 1;
  }

  /** Sets the sequence numbers of an empty ring; call once, before any thread uses it. */
  initialize(): void {
    Atomics.store(this.words, this.head, 0);
    Atomics.store(this.words, this.tail, 0);
    for (let i = 0; i < this.capacity; i++) Atomics.store(this.words, this.cells + 2 * i, i);
  }

  /** Appends `value`; false when the ring is full. */
  push(value: number): boolean {
    const w = this.words;
    for (;;) {
      const pos = Atomics.load(w, this.tail);
      const cell = this.cells + 2 * (pos & this.mask);
      const dif = (Atomics.load(w, cell) - pos) | 0;
      if (dif === 0) {
        if (Atomics.compareExchange(w, this.tail, pos, (pos + 1) | 0) === pos) {
          w[cell + 1] = value;
          Atomics.store(w, cell, (pos + 1) | 0);
          return true;
        }
      } else if (dif < 0) {
        return false;
      }
    }
  }

  /** Removes the oldest value; -1 when the ring is empty (values are never negative). */
  shift(): number {
    const w = this.words;
    for (;;) {
      const pos = Atomics.load(w, this.head);
      const cell = this.cells + 2 * (pos & this.mask);
      const dif = (Atomics.load(w, cell) - ((pos + 1) | 0)) | 0;
      if (dif === 0) {
        if (Atomics.compareExchange(w, this.head, pos, (pos + 1) | 0) === pos) {
          const value = w[cell + 1]!;
          Atomics.store(w, cell, (pos + this.mask + 1) | 0);
          return value;
        }
      } else if (dif < 0) {
        return -1;
      }
    }
  }

  /** Approximate number of values (exact when no thread is pushing or shifting). */
  get size(): number {
    const size = (Atomics.load(this.words, this.tail) - Atomics.load(this.words, this.head)) | 0;
    return size < 0 ? 0 : size > this.capacity ? this.capacity : size;
  }
}
