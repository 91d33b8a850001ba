import {
  checkWaitOptions,
  futexWake,
  NotHeldError,
  type Operation,
  OwnerDiedError,
  type WaitOptions,
} from '@spindle/core-context';
import { blockingTimeout } from '../wait-options.js';
import { impossibleState, initializing, SharedCells, withoutReset } from './cells.js';
import { THREAD_TABLE_CELLS, ThreadTable } from './thread-table.js';
import { CellAttempt, SharedWait } from './wait-engine.js';

// One cell packs readers (bits 0-14), "a writer holds it" (bit 15) and waiting writers
// (bits 16-30): one word, so a reader's check of "no writer waits" and its entry are one CAS.
const READERS_MASK = 0x7fff;
const WRITER = 1 << 15;
const WAITING_WRITER = 1 << 16;
const WAITING_SHIFT = 16;

/**
 * A readers-writer lock in one Int32 cell shared by worker threads (at most 32,767
 * readers), then a table of what each thread holds or waits for. Writers are not
 * starved: while a writer waits, new readers wait behind it.
 *
 * Each thread's table slot holds its own part of the state word (its readers, its write
 * lock, its waiting writers), so what a dead thread held or registered is subtracted by
 * a waiter that notices (within about 100 ms). A writer that died marks the lock: every
 * lock that then succeeds throws OwnerDiedError with the lock held, until `markConsistent()`.
 * A lock is added to the table after it is taken and taken off before it is given back,
 * so a death between the two steps leaks it and never frees what somebody holds.
 */
export class SharedRwLock extends SharedCells {
  static readonly INT32_SLOTS = 1 + THREAD_TABLE_CELLS;
  /** @internal each thread's part of the state word */
  readonly holders: ThreadTable;

  constructor(view?: Int32Array, index = 0) {
    super(view, index, SharedRwLock.INT32_SLOTS, 'SharedRwLock');
    this.holders = new ThreadTable(this.view, index + 1, () => this.sweepDeadHolders());
    if (!initializing()) {
      const state = Atomics.load(this.view, index);
      if (state < 0 || ((state & WRITER) !== 0 && (state & READERS_MASK) !== 0)) {
        throw impossibleState('SharedRwLock', index, `the state ${state}`);
      }
    } else {
      Atomics.store(this.view, index, 0);
      this.holders.reset();
    }
  }

  /**
   * Opens the SharedRwLock whose cells start at `index` of `view` without resetting them: how
   * a worker that was posted the buffer opens a live one (`new` would reset its state).
   */
  static attach(view: Int32Array, index = 0): SharedRwLock {
    return withoutReset(() => new SharedRwLock(view, index));
  }

  get readerCount(): number {
    return Atomics.load(this.view, this.index) & READERS_MASK;
  }

  get writeLocked(): boolean {
    return (Atomics.load(this.view, this.index) & WRITER) !== 0;
  }

  /** Enters as a reader when no writer holds or waits; never waits. OwnerDiedError (holding it) while marked. */
  tryReadLock(): boolean {
    if (this.enterRead() !== true) return false;
    this.throwIfInconsistent();
    return true;
  }

  /** Enters as the writer when free; never waits. OwnerDiedError (holding it) while marked. */
  tryWriteLock(): boolean {
    if (this.enterWrite(false) !== true) return false;
    this.throwIfInconsistent();
    return true;
  }

  readLock(options?: WaitOptions): Operation<void> {
    return new SharedRwWait(this, false, checkWaitOptions(options, 'SharedRwLock.readLock'));
  }

  writeLock(options?: WaitOptions): Operation<void> {
    return new SharedRwWait(this, true, checkWaitOptions(options, 'SharedRwLock.writeLock'));
  }

  readLockBlocking(options?: { timeout?: number }): void {
    new SharedRwWait(this, false, undefined).block(
      'SharedRwLock.readLockBlocking',
      blockingTimeout(options, 'SharedRwLock.readLockBlocking'),
    );
  }

  writeLockBlocking(options?: { timeout?: number }): void {
    new SharedRwWait(this, true, undefined).block(
      'SharedRwLock.writeLockBlocking',
      blockingTimeout(options, 'SharedRwLock.writeLockBlocking'),
    );
  }

  /**
   * Gives back a read lock. For recovery a read lock belongs to the thread that took it:
   * one released by a thread that holds none is taken off every other thread's count.
   */
  readUnlock(): void {
    const { view, index } = this;
    if ((Atomics.load(view, index) & READERS_MASK) === 0) throw readNotHeld();
    // Off the table first, then off the state with no call between (where a terminate could
    // land): a thread killed between the two leaks its read lock, never frees one twice.
    const own = this.holders.countCell(false);
    const count = own >= 0 ? Atomics.load(view, own) : 0;
    if ((count & READERS_MASK) === 0 || Atomics.compareExchange(view, own, count, count - 1) !== count) {
      this.holders.takeOff(1, 1, READERS_MASK);
    }
    // The first try calls nothing and is outside any loop: no interrupt check between.
    const state = Atomics.load(view, index);
    const left =
      (state & READERS_MASK) !== 0 && Atomics.compareExchange(view, index, state, state - 1) === state
        ? state - 1
        : this.subtract(1, READERS_MASK, readNotHeld);
    if ((left & READERS_MASK) === 0) futexWake(view, index);
  }

  /** Gives back the write lock (taken off the count of the thread that took it, whichever unlocks). */
  writeUnlock(): void {
    const { view, index } = this;
    if ((Atomics.load(view, index) & WRITER) === 0) throw writeNotHeld();
    const own = this.holders.countCell(false);
    const count = own >= 0 ? Atomics.load(view, own) : 0;
    if ((count & WRITER) === 0 || Atomics.compareExchange(view, own, count, count - WRITER) !== count) {
      this.holders.takeOff(1, WRITER, WRITER);
    }
    const state = Atomics.load(view, index);
    if ((state & WRITER) === 0 || Atomics.compareExchange(view, index, state, state - WRITER) !== state) {
      this.subtract(WRITER, WRITER, writeNotHeld);
    }
    futexWake(view, index);
  }

  /** After OwnerDiedError: the caller repaired what the dead writer left, locks are normal again. */
  markConsistent(): void {
    this.holders.markConsistent();
  }

  /**
   * Subtracts from the state what dead threads held or registered (never below what the
   * state holds), and wakes everyone to look again; a dead writer marks the lock. @internal
   */
  sweepDeadHolders(): void {
    const held = this.holders.sweep();
    if (held === 0) return;
    if ((held & WRITER) !== 0) this.holders.markInconsistent();
    this.update((state) => {
      const readers = Math.max(0, (state & READERS_MASK) - (held & READERS_MASK));
      const writer = state & WRITER & ~held;
      const waiting = Math.max(0, (state >>> WAITING_SHIFT) - (held >>> WAITING_SHIFT));
      return (waiting << WAITING_SHIFT) | writer | readers;
    });
    futexWake(this.view, this.index);
  }

  /** @internal */
  throwIfInconsistent(): void {
    if (this.holders.inconsistent) {
      throw new OwnerDiedError(
        'A thread died holding the write lock of this SharedRwLock. You hold the lock you asked for: repair what the writer left, then call markConsistent()',
      );
    }
  }

  // Taking: the state first, then this thread's count with no call between. Giving back:
  // the count first. So a thread killed in between leaks, and a sweep never frees twice.

  /** Enters as a reader, or returns the state seen to sleep on. @internal */
  enterRead(): true | number {
    const { view, index } = this;
    const own = this.holders.countCell(true);
    for (;;) {
      const state = Atomics.load(view, index);
      if ((state & WRITER) !== 0 || state >>> WAITING_SHIFT !== 0) return state;
      if ((state & READERS_MASK) === READERS_MASK) return state;
      if (Atomics.compareExchange(view, index, state, state + 1) !== state) continue;
      if (own >= 0) Atomics.add(view, own, 1);
      return true;
    }
  }

  /**
   * Enters as a writer, or returns the state seen to sleep on. A writer that `registered`
   * counts among the waiting writers and leaves that count as it enters. @internal
   */
  enterWrite(registered: boolean): true | number {
    const { view, index } = this;
    const own = this.holders.countCell(true);
    for (;;) {
      const state = Atomics.load(view, index);
      if ((state & (WRITER | READERS_MASK)) !== 0) return state;
      const leaving = registered ? WAITING_WRITER : 0;
      if (own >= 0 && registered) Atomics.sub(view, own, leaving);
      if (Atomics.compareExchange(view, index, state, (state - leaving) | WRITER) !== state) {
        if (own >= 0 && registered) Atomics.add(view, own, leaving);
        continue;
      }
      if (own >= 0) Atomics.add(view, own, WRITER);
      return true;
    }
  }

  /** Counts this thread as a waiting writer, so new readers queue behind it. @internal */
  registerWriter(): void {
    const { view, index } = this;
    const own = this.holders.countCell(true);
    for (;;) {
      const state = Atomics.load(view, index);
      if (Atomics.compareExchange(view, index, state, state + WAITING_WRITER) !== state) continue;
      if (own >= 0) Atomics.add(view, own, WAITING_WRITER);
      return;
    }
  }

  /** Takes back registerWriter() and wakes the readers that queued behind it. @internal */
  unregisterWriter(): void {
    const { view, index } = this;
    const own = this.holders.countCell(false);
    if (own >= 0) Atomics.sub(view, own, WAITING_WRITER);
    const state = Atomics.load(view, index);
    if (Atomics.compareExchange(view, index, state, state - WAITING_WRITER) !== state) {
      this.subtract(WAITING_WRITER, ~(WRITER | READERS_MASK), writeNotHeld);
    }
    futexWake(view, index);
  }

  /**
   * Subtracts `amount` from the state (`notHeld()` is thrown when the bits `mask` hold
   * none) and returns the new state: the retry after a first try that lost a race. The
   * first try is written out at each caller: a thread that took its part off its count
   * just before must reach it with no interrupt check between (where a terminate lands:
   * a call, a loop's head or back-edge).
   */
  private subtract(amount: number, mask: number, notHeld: () => Error): number {
    const { view, index } = this;
    const state = Atomics.load(view, index);
    if ((state & mask) !== 0 && Atomics.compareExchange(view, index, state, state - amount) === state) {
      return state - amount;
    }
    return this.update((now) => {
      if ((now & mask) === 0) throw notHeld();
      return now - amount;
    });
  }

  /** Applies `change` atomically and returns the new state. */
  private update(change: (state: number) => number): number {
    for (;;) {
      const state = Atomics.load(this.view, this.index);
      const next = change(state);
      if (Atomics.compareExchange(this.view, this.index, state, next) === state) return next;
    }
  }
}

function readNotHeld(): NotHeldError {
  return new NotHeldError('SharedRwLock.readUnlock() but no reader holds it');
}

function writeNotHeld(): NotHeldError {
  return new NotHeldError('SharedRwLock.writeUnlock() but no writer holds it');
}

/**
 * A read or write lock wait; selectable: a withdrawn writer takes back its registration as a
 * waiting writer (and wakes the readers it held back), a withdrawn reader took nothing.
 */
class SharedRwWait extends SharedWait<void> {
  readonly selectable = true;

  constructor(
    private readonly lock: SharedRwLock,
    private readonly writer: boolean,
    options: WaitOptions | undefined,
  ) {
    super(lock.view, lock.index, options);
  }

  describe(): string {
    return this.writer ? 'SharedRwLock.writeLock()' : 'SharedRwLock.readLock()';
  }

  protected newAttempt(): RwAttempt {
    return new RwAttempt(this.lock, this.writer);
  }

  override restore(): void {
    if (this.writer) this.lock.writeUnlock();
    else this.lock.readUnlock();
  }
}

class RwAttempt extends CellAttempt<void> {
  private registered = false;

  constructor(
    private readonly lock: SharedRwLock,
    private readonly writer: boolean,
  ) {
    super();
  }

  attempt(): boolean {
    if (!this.writer) return this.entered(this.lock.enterRead());
    if (!this.registered) {
      if (this.lock.enterWrite(false) === true) return true;
      // Count ourselves as a waiting writer so new readers queue behind us, then look
      // again: the last reader may have left before we registered, waking nobody.
      this.registered = true;
      this.lock.registerWriter();
    }
    return this.entered(this.lock.enterWrite(true));
  }

  result(): void {
    this.lock.throwIfInconsistent();
  }

  override afterQuietSlice(): void {
    this.lock.sweepDeadHolders();
  }

  override leave(): boolean {
    if (this.registered) {
      this.registered = false;
      this.lock.unregisterWriter();
    }
    return true;
  }

  private entered(outcome: true | number): boolean {
    if (outcome === true) return true;
    this.expected = outcome;
    return false;
  }
}
