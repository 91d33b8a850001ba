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
import { SharedWait } from './wait-engine.js';

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
    const notHeld = () => new NotHeldError('SharedRwLock.readUnlock() but no reader holds it');
    if (this.readerCount === 0) throw notHeld();
    // Off the table first: a thread killed before the state changes leaks the read lock.
    this.holders.takeOff(1, 1, READERS_MASK);
    const left = this.update((state) => {
      if ((state & READERS_MASK) === 0) throw notHeld();
      return state - 1;
    });
    if ((left & READERS_MASK) === 0) futexWake(this.view, this.index);
  }

  /** Gives back the write lock (taken off the count of the thread that took it, whichever unlocks). */
  writeUnlock(): void {
    const notHeld = () => new NotHeldError('SharedRwLock.writeUnlock() but no writer holds it');
    if (!this.writeLocked) throw notHeld();
    this.holders.takeOff(1, WRITER, WRITER);
    this.update((state) => {
      if ((state & WRITER) === 0) throw notHeld();
      return state & ~WRITER;
    });
    futexWake(this.view, this.index);
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

  /** Enters as a reader, or returns the state seen to sleep on. @internal */
  enterRead(): true | number {
    const { view, index } = this;
    for (;;) {
      const state = Atomics.load(view, index);
      if ((state & WRITER) !== 0 || state >>> WAITING_SHIFT !== 0) return state;
      if ((state & READERS_MASK) === READERS_MASK) return state;
      if (Atomics.compareExchange(view, index, state, state + 1) !== state) continue;
      this.holders.add(1);
      return true;
    }
  }

  /**
   * Enters as a writer, or returns the state seen to sleep on. A writer that `registered`
   * counts among the waiting writers and leaves that count as it enters. @internal
   */
  enterWrite(registered: boolean): true | number {
    const { view, index } = this;
    for (;;) {
      const state = Atomics.load(view, index);
      if ((state & (WRITER | READERS_MASK)) !== 0) return state;
      if (!registered) {
        if (Atomics.compareExchange(view, index, state, state | WRITER) !== state) continue;
        this.holders.add(WRITER);
        return true;
      }
      // The registration leaves the table before the state, the write lock enters it after.
      this.holders.add(-WAITING_WRITER);
      if (Atomics.compareExchange(view, index, state, (state - WAITING_WRITER) | WRITER) !== state) {
        this.holders.add(WAITING_WRITER);
        continue;
      }
      this.holders.add(WRITER);
      return true;
    }
  }

  /** Applies `change` atomically and returns the new state. @internal */
  update(change: (state: number) => number): number {
    for (;;) {
      const state = Atomics.load(this.view, this.index);
      const next = change(state);
      if (Atomics.compareExchange(this.view, this.index, state, next) === state) return next;
    }
  }
}

class SharedRwWait extends SharedWait<void> {
  private registered = false;

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

  protected attempt(): boolean {
    if (!this.writer) return this.settle(this.lock.enterRead());
    if (!this.registered) {
      if (this.lock.enterWrite(false) === true) return true;
      // Count ourselves as a waiting writer so new readers queue behind us, then look
      // again: the last reader may have left before we registered, waking nobody.
      this.registered = true;
      this.lock.update((state) => state + WAITING_WRITER);
      this.lock.holders.add(WAITING_WRITER);
    }
    return this.settle(this.lock.enterWrite(true));
  }

  protected result(): void {
    this.lock.throwIfInconsistent();
  }

  protected override afterQuietSlice(): void {
    this.lock.sweepDeadHolders();
  }

  protected override leave(): boolean {
    if (this.registered) {
      this.registered = false;
      this.lock.holders.add(-WAITING_WRITER);
      this.lock.update((state) => state - WAITING_WRITER);
      futexWake(this.lock.view, this.lock.index);
    }
    return true;
  }

  override restore(): void {
    if (this.writer) this.lock.writeUnlock();
    else this.lock.readUnlock();
  }

  private settle(outcome: true | number): boolean {
    if (outcome === true) return true;
    this.expected = outcome;
    return false;
  }
}
