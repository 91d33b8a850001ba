import { selfId, selfStartTime, threadAlive } from './thread-identity.js';

/** Threads a table tracks at a time; the holdings of further threads are not recovered. */
export const TABLE_THREADS = 32;
/** Per thread: its id (0: free slot, SWEEPING: being emptied), its start time, its count. */
const SLOT = 3;
const SWEEPING = -1;
/** Cell 0 says whether a thread died holding something since the last markConsistent(). */
const INCONSISTENT = 0;
/** Int32 cells of a table. */
export const THREAD_TABLE_CELLS = 1 + TABLE_THREADS * SLOT;

/**
 * What each thread holds of a shared primitive that has no single owner (the permits of
 * a semaphore, the readers and writers of a rwlock), so that what a dead thread held can
 * be taken back, like SysV's SEM_UNDO.
 * Each thread claims a slot the first time it takes something and keeps it until it dies;
 * the JavaScript object is per thread, so it finds its slot once.
 */
export class ThreadTable {
  private countCell = -1;

  constructor(
    private readonly view: Int32Array,
    private readonly base: number,
  ) {}

  /** Empties the table (a primitive being created). */
  reset(): void {
    this.view.fill(0, this.base, this.base + THREAD_TABLE_CELLS);
  }

  /** Adds `n` (negative: gives back) to this thread's count. */
  add(n: number): void {
    if (this.countCell < 0) this.countCell = this.claim();
    if (this.countCell >= 0) Atomics.add(this.view, this.countCell, n);
  }

  /** True while what a dead thread held was taken back and nobody marked the primitive consistent. */
  get inconsistent(): boolean {
    return Atomics.load(this.view, this.base + INCONSISTENT) !== 0;
  }

  markConsistent(): void {
    Atomics.store(this.view, this.base + INCONSISTENT, 0);
  }

  /** Records that a thread died in the middle of changing what the primitive guards. */
  markInconsistent(): void {
    Atomics.store(this.view, this.base + INCONSISTENT, 1);
  }

  /** Empties the slots of threads that died and returns the sum of their positive counts (what they held). */
  sweep(): number {
    let held = 0;
    for (let at = this.base + 1; at < this.base + THREAD_TABLE_CELLS; at += SLOT) {
      const id = Atomics.load(this.view, at);
      if (id <= 0 || threadAlive(id, Atomics.load(this.view, at + 1))) continue;
      // One sweeper takes the slot; a new thread claims it only once it is free again.
      if (Atomics.compareExchange(this.view, at, id, SWEEPING) !== id) continue;
      held += Math.max(0, Atomics.exchange(this.view, at + 2, 0));
      Atomics.store(this.view, at, 0);
    }
    return held;
  }

  /** This thread's count cell: its slot, or a free one it claims; -1 when the table is full. */
  private claim(): number {
    const end = this.base + THREAD_TABLE_CELLS;
    for (let at = this.base + 1; at < end; at += SLOT) {
      if (Atomics.load(this.view, at) === selfId && Atomics.load(this.view, at + 1) === selfStartTime) {
        return at + 2;
      }
    }
    for (let at = this.base + 1; at < end; at += SLOT) {
      if (Atomics.compareExchange(this.view, at, 0, selfId) !== 0) continue;
      // Until this store, a sweeper knows the id only: it then goes by the id alone.
      Atomics.store(this.view, at + 1, selfStartTime);
      return at + 2;
    }
    return -1;
  }
}
