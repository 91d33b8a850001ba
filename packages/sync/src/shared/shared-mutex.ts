import { isMainThread } from 'node:worker_threads';
import {
  checkWaitOptions,
  futexWake,
  InvalidStateError,
  NotHeldError,
  type Operation,
  OwnerDiedError,
  type WaitOptions,
} from '@spindle/core-context';
import { blockingTimeout } from '../wait-options.js';
import { impossibleState, initializing, SharedCells, withoutReset } from './cells.js';
import { HolderWatch, selfId, THREAD_ID_MASK } from './thread-identity.js';
import { CellAttempt, SharedWait } from './wait-engine.js';

// The cell: the holder's thread id (bits 0-21, 0 when free), "someone may sleep on the
// cell, unlock must wake" (bit 22), and "a holder died holding it and nobody marked it
// consistent since" (bit 23, kept across unlocks).
const FREE = 0;
const CONTENDED = 1 << 22;
const INCONSISTENT = 1 << 23;
const LAST_STATE = (1 << 24) - 1;

/**
 * A robust mutex in one Int32 cell of a SharedArrayBuffer, shared by worker threads
 * (Drepper's futex mutex: unlock calls into the futex only when someone may sleep; the
 * cell holds the holder's thread id, so an uncontended lock is still one compare-exchange).
 * `lock()` parks a fiber or an async caller without blocking the thread; `lockBlocking()`
 * blocks a worker. Any thread may unlock; for recovery the holder is the thread that
 * locked (its id is in the cell), so a mutex locked by a thread that then dies is
 * recovered even when another thread meant to unlock it.
 *
 * When the holder's thread dies, a waiter notices within about 100 ms (see
 * thread-identity.ts), takes the lock and gets OwnerDiedError: it holds the lock, repairs
 * what the dead holder left half done, calls `markConsistent()` and unlocks. Unlocked
 * without that, the mutex stays marked and the next locker gets OwnerDiedError too.
 */
export class SharedMutex extends SharedCells {
  /** Int32 cells a SharedMutex occupies in a caller's view. */
  static readonly INT32_SLOTS = 1;

  /** A new mutex in its own buffer, or placed (unlocked) at `index` of the caller's view. */
  constructor(view?: Int32Array, index = 0) {
    super(view, index, SharedMutex.INT32_SLOTS, 'SharedMutex');
    if (!initializing()) {
      const state = Atomics.load(this.view, index);
      if (state < 0 || state > LAST_STATE) throw impossibleState('SharedMutex', index, `the value ${state}`);
    } else if (view !== undefined) {
      Atomics.store(this.view, index, FREE);
    }
  }

  /**
   * Opens the SharedMutex whose cells start at `index` of `view` without resetting them: how
   * a worker that was posted the buffer opens a live one (`new` would reset its state).
   */
  static attach(view: Int32Array, index = 0): SharedMutex {
    return withoutReset(() => new SharedMutex(view, index));
  }

  get locked(): boolean {
    return (Atomics.load(this.view, this.index) & THREAD_ID_MASK) !== FREE;
  }

  /**
   * Takes the lock when it is free and returns true; never waits (and never looks whether
   * a holder died). Taking a mutex a dead holder left throws OwnerDiedError with it held.
   */
  tryLock(): boolean {
    if (Atomics.compareExchange(this.view, this.index, FREE, selfId) === FREE) return true;
    const state = Atomics.load(this.view, this.index);
    if ((state & THREAD_ID_MASK) !== FREE || (state & INCONSISTENT) === 0) return false;
    if (Atomics.compareExchange(this.view, this.index, state, state | selfId) !== state) return false;
    throw ownerDied();
  }

  /** Takes the lock, parking the caller (fiber or promise) without blocking the thread. */
  lock(options?: WaitOptions): Operation<void> {
    return new SharedLockWait(this, checkWaitOptions(options, 'SharedMutex.lock'));
  }

  /** Takes the lock by blocking this worker thread (BlockingCallError on the main thread). */
  lockBlocking(options?: { timeout?: number }): void {
    const timeout = blockingTimeout(options, 'SharedMutex.lockBlocking');
    // A free mutex is taken without making a wait (the main thread is refused by block()).
    if (!isMainThread && Atomics.compareExchange(this.view, this.index, FREE, selfId) === FREE) return;
    new SharedLockWait(this, undefined).block('SharedMutex.lockBlocking', timeout);
  }

  unlock(): void {
    const { view, index } = this;
    for (;;) {
      const state = Atomics.load(view, index);
      if ((state & THREAD_ID_MASK) === FREE) {
        throw new NotHeldError('SharedMutex.unlock() was called but the mutex is not locked');
      }
      if (Atomics.compareExchange(view, index, state, state & INCONSISTENT) !== state) continue;
      if ((state & CONTENDED) !== 0) futexWake(view, index, 1);
      return;
    }
  }

  /**
   * Tells the mutex that the caller, which holds it after an OwnerDiedError, repaired
   * the state it guards: later lockers take it normally again.
   */
  markConsistent(): void {
    const { view, index } = this;
    for (;;) {
      const state = Atomics.load(view, index);
      if ((state & THREAD_ID_MASK) === FREE) {
        throw new NotHeldError('SharedMutex.markConsistent() needs the mutex held (after OwnerDiedError)');
      }
      if ((state & INCONSISTENT) === 0) {
        throw new InvalidStateError(
          'SharedMutex.markConsistent() but no holder died: call it only after a lock threw OwnerDiedError',
        );
      }
      if (Atomics.compareExchange(view, index, state, state & ~INCONSISTENT) === state) return;
    }
  }

  /**
   * Frees the lock, marked inconsistent, when its holder's thread died, and wakes the
   * waiters to take it; the next taker gets OwnerDiedError. @internal
   */
  releaseIfHolderDied(watch: HolderWatch): void {
    const state = Atomics.load(this.view, this.index);
    const holder = state & THREAD_ID_MASK;
    if (holder === FREE || watch.isAlive(holder)) return;
    const freed = (state & CONTENDED) | INCONSISTENT;
    if (Atomics.compareExchange(this.view, this.index, state, freed) === state)
      futexWake(this.view, this.index);
  }
}

function ownerDied(): OwnerDiedError {
  return new OwnerDiedError(
    'The thread that held this SharedMutex died without unlocking it. You hold it now: repair the state it guards, call markConsistent(), then unlock()',
  );
}

/** A lock wait; selectable (a withdrawn wait takes nothing; the CONTENDED bit it may leave costs one spare wake). */
class SharedLockWait extends SharedWait<void> {
  readonly selectable = true;

  constructor(
    private readonly mutex: SharedMutex,
    options: WaitOptions | undefined,
  ) {
    super(mutex.view, mutex.index, options);
  }

  describe(): string {
    return 'SharedMutex.lock()';
  }

  protected newAttempt(): LockAttempt {
    return new LockAttempt(this.mutex);
  }

  override restore(): void {
    this.mutex.unlock();
  }
}

class LockAttempt extends CellAttempt<void> {
  private contended = false;
  private holderDied = false;
  private watch: HolderWatch | null = null;

  constructor(private readonly mutex: SharedMutex) {
    super();
  }

  attempt(): boolean {
    const { view, index } = this.mutex;
    if (!this.contended) {
      if (Atomics.compareExchange(view, index, FREE, selfId) === FREE) return true;
      this.contended = true;
    }
    for (;;) {
      const state = Atomics.load(view, index);
      if ((state & THREAD_ID_MASK) === FREE) {
        // Once we may have slept, we take the lock as CONTENDED so our unlock wakes the next sleeper.
        if (Atomics.compareExchange(view, index, state, state | selfId | CONTENDED) !== state) continue;
        this.holderDied = (state & INCONSISTENT) !== 0;
        return true;
      }
      const sleepOn = state | CONTENDED;
      if (sleepOn !== state && Atomics.compareExchange(view, index, state, sleepOn) !== state) continue;
      this.expected = sleepOn;
      return false;
    }
  }

  result(): void {
    if (this.holderDied) throw ownerDied();
  }

  override afterQuietSlice(): void {
    this.watch ??= new HolderWatch();
    this.mutex.releaseIfHolderDied(this.watch);
  }
}
