import {
  checkWaitOptions,
  futexWake,
  NotHeldError,
  type Operation,
  type WaitOptions,
} from '@spindle/core-context';
import { blockingTimeout } from '../wait-options.js';
import { impossibleState, initializing, SharedCells, withoutReset } from './cells.js';
import { SharedWait } from './wait-engine.js';

// One cell packs readers (bits 0-14), "a writer holds it" (bit 15) and waiting writers
// (bits 16-30): one word, so a reader's check of "no writer waits" and its entry are one CAS.
const READERS_MASK = 0x7fff;
const WRITER = 1 << 15;
const WAITING_WRITER = 1 << 16;
const WAITING_SHIFT = 16;

/**
 * A readers-writer lock in one Int32 cell shared by worker threads (at most 32,767
 * readers). Writers are not starved: while a writer waits, new readers wait behind it.
 */
export class SharedRwLock extends SharedCells {
  static readonly INT32_SLOTS = 1;

  constructor(view?: Int32Array, index = 0) {
    super(view, index, SharedRwLock.INT32_SLOTS, 'SharedRwLock');
    if (!initializing()) {
      const state = Atomics.load(this.view, index);
      if (state < 0 || ((state & WRITER) !== 0 && (state & READERS_MASK) !== 0)) {
        throw impossibleState('SharedRwLock', index, `the state ${state}`);
      }
    } else if (view !== undefined) {
      Atomics.store(this.view, index, 0);
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

  tryReadLock(): boolean {
    return this.enterRead() === true;
  }

  tryWriteLock(): boolean {
    return this.enterWrite(false) === true;
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

  readUnlock(): void {
    const left = this.update((state) => {
      if ((state & READERS_MASK) === 0)
        throw new NotHeldError('SharedRwLock.readUnlock() but no reader holds it');
      return state - 1;
    });
    if ((left & READERS_MASK) === 0) futexWake(this.view, this.index);
  }

  writeUnlock(): void {
    this.update((state) => {
      if ((state & WRITER) === 0) throw new NotHeldError('SharedRwLock.writeUnlock() but no writer holds it');
      return state & ~WRITER;
    });
    futexWake(this.view, this.index);
  }

  /** Enters as a reader, or returns the state seen to sleep on. @internal */
  enterRead(): true | number {
    const { view, index } = this;
    for (;;) {
      const state = Atomics.load(view, index);
      if ((state & WRITER) !== 0 || state >>> WAITING_SHIFT !== 0) return state;
      if ((state & READERS_MASK) === READERS_MASK) return state;
      if (Atomics.compareExchange(view, index, state, state + 1) === state) return true;
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
      const next = (registered ? state - WAITING_WRITER : state) | WRITER;
      if (Atomics.compareExchange(view, index, state, next) === state) return true;
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
    }
    return this.settle(this.lock.enterWrite(true));
  }

  protected result(): void {}

  protected override leave(): boolean {
    if (this.registered) {
      this.registered = false;
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
