import { holderDeathVisible, selfId, selfStartTime, threadAlive } from './thread-identity.js';

/** Threads a table tracks at a time; the holdings of further threads are not recovered. */
export const TABLE_THREADS = 32;
/** Per thread: its id (0: free slot, SWEEPING: being emptied), its start time, its count. */
const SLOT = 3;
const SWEEPING = -1;
/** Cell 0 says whether a thread died holding something since the last markConsistent(). */
const INCONSISTENT = 0;
/** Int32 cells of a table. */
export const THREAD_TABLE_CELLS = 1 + TABLE_THREADS * SLOT;

/** countCell before this thread looked for its slot, when the table was full, when it has none. */
const NOT_LOOKED = -1;
const TABLE_FULL = -2;
const NO_SLOT = -3;

/**
 * What each thread holds of a shared primitive that has no single owner (the readers and
 * writer of a rwlock, the parties of a barrier), so that what a dead thread held can be
 * taken back. Each thread claims a slot the first time it takes something and keeps it
 * until it dies; the JavaScript object is per thread, so it finds its slot once.
 *
 * Never more than is really held: a thread adds to its count only after it took (in the
 * primitive's state) and takes off before it gives back, so a thread killed between the
 * two steps leaves the table short (a leak), never long (a sweep that would give back
 * what somebody still holds).
 */
export class ThreadTable {
  private cachedCell = NOT_LOOKED;

  /** `sweepDead` frees the slots of dead threads (the primitive's sweep): tried once when the table is full. */
  constructor(
    private readonly view: Int32Array,
    private readonly base: number,
    private readonly sweepDead: () => void,
  ) {}

  /** Empties the table (a primitive being created). */
  reset(): void {
    this.view.fill(0, this.base, this.base + THREAD_TABLE_CELLS);
  }

  /** Adds `n` (negative: gives back what this thread added) to this thread's count. */
  add(n: number): void {
    const cell = this.countCell(true);
    if (cell >= 0) Atomics.add(this.view, cell, n);
  }

  /** Replaces this thread's count with `change(count)`. */
  change(change: (count: number) => number): void {
    const cell = this.countCell(true);
    if (cell < 0) return;
    for (;;) {
      const count = Atomics.load(this.view, cell);
      if (Atomics.compareExchange(this.view, cell, count, change(count)) === count) return;
    }
  }

  /**
   * Takes `units` units of one field of the counts (the bits `mask`, lowest bit `unit`)
   * off this thread's count, and what it lacks off every other thread's count: a thread
   * may give back what another took (a read lock released for it), and any of them may
   * be that one, so each loses it (their later death gives back less: a leak, never a
   * permit that somebody still holds).
   */
  takeOff(units: number, unit = 1, mask = 0x7fffffff): void {
    if (!holderDeathVisible) return;
    const own = this.countCell(false);
    const rest = own >= 0 ? this.takeFrom(own, units, unit, mask) : units;
    if (rest === 0) return;
    for (let at = this.base + 1 + 2; at < this.base + THREAD_TABLE_CELLS; at += SLOT) {
      if (at !== own) this.takeFrom(at, rest, unit, mask);
    }
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

  /**
   * Empties the slots of threads that died and returns the sum of `held(count)` over them
   * (by default the count itself: what they held).
   */
  sweep(held: (count: number) => number = (count) => count): number {
    let total = 0;
    for (let at = this.base + 1; at < this.base + THREAD_TABLE_CELLS; at += SLOT) {
      const id = Atomics.load(this.view, at);
      if (id <= 0 || threadAlive(id, Atomics.load(this.view, at + 1))) continue;
      // One sweeper takes the slot; a new thread claims it only once it is free again.
      if (Atomics.compareExchange(this.view, at, id, SWEEPING) !== id) continue;
      total += held(Atomics.exchange(this.view, at + 2, 0));
      // The start time goes first: a claimer's id is never paired with a dead thread's start time.
      Atomics.store(this.view, at + 1, 0);
      Atomics.store(this.view, at, 0);
    }
    return total;
  }

  /** Takes up to `units` of the field off the count at `cell`; returns how many it could not. */
  private takeFrom(cell: number, units: number, unit: number, mask: number): number {
    for (;;) {
      const count = Atomics.load(this.view, cell);
      const taken = Math.min(units, Math.floor(Math.max(0, count & mask) / unit));
      if (taken === 0) return units;
      if (Atomics.compareExchange(this.view, cell, count, count - taken * unit) === count)
        return units - taken;
    }
  }

  /**
   * This thread's count cell in the view, negative when it has none: found once, claimed
   * when `claim` (a full table is swept once, and if it stays full this thread stays
   * untracked). A primitive that must change it right next to its state (no call between,
   * where a terminate could land) does so on this cell itself.
   */
  countCell(claim: boolean): number {
    let cell = this.cachedCell;
    // Still ours? (A constructor run again on live cells resets the table.)
    if (cell >= 0 && Atomics.load(this.view, cell - 2) !== selfId) cell = NOT_LOOKED;
    if (cell === NOT_LOOKED) cell = this.find();
    if (cell === NO_SLOT && claim && holderDeathVisible) {
      cell = this.claim();
      if (cell === TABLE_FULL) {
        this.sweepDead();
        cell = this.claim();
      }
    }
    this.cachedCell = cell;
    return cell;
  }

  /** The count cell of this thread's slot, or NO_SLOT (only this thread claims it: that stays so until it does). */
  private find(): number {
    for (let at = this.base + 1; at < this.base + THREAD_TABLE_CELLS; at += SLOT) {
      if (Atomics.load(this.view, at) === selfId && Atomics.load(this.view, at + 1) === selfStartTime) {
        return at + 2;
      }
    }
    return NO_SLOT;
  }

  /** Claims a free slot and returns its count cell, or TABLE_FULL. */
  private claim(): number {
    for (let at = this.base + 1; at < this.base + THREAD_TABLE_CELLS; at += SLOT) {
      if (Atomics.compareExchange(this.view, at, 0, selfId) !== 0) continue;
      // Until this store the start time is 0 (a sweep clears it before freeing the id):
      // a sweeper then goes by the id alone.
      Atomics.store(this.view, at + 1, selfStartTime);
      return at + 2;
    }
    return TABLE_FULL;
  }
}
