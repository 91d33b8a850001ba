import {
  checkWaitOptions,
  futexWake,
  NotHeldError,
  type Operation,
  type WaitOptions,
} from '@spindle/core-context';
import { blockingTimeout } from '../wait-options.js';
import { initializing, SharedCells, withoutReset } from './cells.js';
import { SharedWait } from './wait-engine.js';

const FREE = 0;
const LOCKED = 1;
/** Locked, and someone may be sleeping on the cell: unlock must wake. */
const CONTENDED = 2;

/**
 * A mutex in one Int32 cell of a SharedArrayBuffer, shared by worker threads (Drepper's
 * three-state futex mutex: unlock calls into the futex only when someone may sleep).
 * `lock()` parks a fiber or an async caller without blocking the thread; `lockBlocking()`
 * blocks a worker. Any thread may unlock.
 */
export class SharedMutex extends SharedCells {
  /** Int32 cells a SharedMutex occupies in a caller's view. */
  static readonly INT32_SLOTS = 1;

  /** A new mutex in its own buffer, or placed (unlocked) at `index` of the caller's view. */
  constructor(view?: Int32Array, index = 0) {
    super(view, index, SharedMutex.INT32_SLOTS, 'SharedMutex');
    if (initializing() && view !== undefined) Atomics.store(this.view, index, FREE);
  }

  /**
   * Opens the SharedMutex whose cells start at `index` of `view` without resetting them: how
   * a worker that was posted the buffer opens a live one (`new` would reset its state).
   */
  static attach(view: Int32Array, index = 0): SharedMutex {
    return withoutReset(() => new SharedMutex(view, index));
  }

  get locked(): boolean {
    return Atomics.load(this.view, this.index) !== FREE;
  }

  tryLock(): boolean {
    return Atomics.compareExchange(this.view, this.index, FREE, LOCKED) === FREE;
  }

  /** Takes the lock, parking the caller (fiber or promise) without blocking the thread. */
  lock(options?: WaitOptions): Operation<void> {
    return new SharedLockWait(this, checkWaitOptions(options, 'SharedMutex.lock'));
  }

  /** Takes the lock by blocking this worker thread (BlockingCallError on the main thread). */
  lockBlocking(options?: { timeout?: number }): void {
    new SharedLockWait(this, undefined).block(
      'SharedMutex.lockBlocking',
      blockingTimeout(options, 'SharedMutex.lockBlocking'),
    );
  }

  unlock(): void {
    const { view, index } = this;
    if (Atomics.load(view, index) === FREE) {
      throw new NotHeldError('SharedMutex.unlock() was called but the mutex is not locked');
    }
    if (Atomics.sub(view, index, 1) !== LOCKED) {
      Atomics.store(view, index, FREE);
      futexWake(view, index, 1);
    }
  }
}

class SharedLockWait extends SharedWait<void> {
  private contended = false;

  constructor(
    private readonly mutex: SharedMutex,
    options: WaitOptions | undefined,
  ) {
    super(mutex.view, mutex.index, options);
    this.expected = CONTENDED;
  }

  describe(): string {
    return 'SharedMutex.lock()';
  }

  protected attempt(): boolean {
    const { view, index } = this.mutex;
    if (!this.contended) {
      if (Atomics.compareExchange(view, index, FREE, LOCKED) === FREE) return true;
      this.contended = true;
    }
    // Once we may sleep, we take the lock as CONTENDED so our unlock wakes the next sleeper.
    return Atomics.exchange(view, index, CONTENDED) === FREE;
  }

  protected result(): void {}

  override restore(): void {
    this.mutex.unlock();
  }
}
