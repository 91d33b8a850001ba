import { bounded, List, NotHeldError, Operation, type Waiter, type WaitOptions } from '@spindle/core-context';

/**
 * A mutual-exclusion lock for fibers and async code on one thread.
 *
 * `unlock` hands the lock straight to the longest waiter that still accepts it (so a
 * woken waiter never finds it taken again), and a caller that finds the mutex free takes
 * it at once, without queueing behind waiters that were cancelled or refused.
 */
export class Mutex {
  /** @internal */ held = false;
  /** @internal */ readonly waiters = new List<Waiter<void>>();
  private readonly lockOperation = new LockOperation(this);

  /** True while someone holds the lock. */
  get locked(): boolean {
    return this.held;
  }

  /** Number of waiters queued for the lock. */
  get waiting(): number {
    return this.waiters.size;
  }

  /** Takes the lock when it is free and returns true; never waits. */
  tryLock(): boolean {
    if (this.held) return false;
    this.held = true;
    return true;
  }

  /**
   * Takes the lock, waiting when it is held: `await mutex.lock()` or `yield* mutex.lock()`.
   * Without options the returned operation is shared and allocates nothing.
   */
  lock(options?: WaitOptions): Operation<void> {
    return options === undefined ? this.lockOperation : bounded(this.lockOperation, options);
  }

  /** Releases the lock, handing it to the next waiter. Throws NotHeldError when it is not held. */
  unlock(): void {
    if (!this.held) throw new NotHeldError('Mutex.unlock() was called but the mutex is not locked');
    for (let next = this.waiters.popFront(); next !== null; next = this.waiters.popFront()) {
      if (next.wake(undefined)) return;
    }
    this.held = false;
  }

  /**
   * Acquires for `waiter`: grants at once when free, else queues it. Returns false only when
   * the lock was granted and the waiter refused it (the lock then moved on).
   * @internal
   */
  acquireFor(waiter: Waiter<void>): boolean {
    if (this.held) {
      this.waiters.pushBack(waiter);
      return true;
    }
    this.held = true;
    if (waiter.wake(undefined)) return true;
    this.unlock();
    return false;
  }
}

/** The stateless lock operation: the waiter list of the mutex holds all the state. */
class LockOperation extends Operation<void> {
  constructor(private readonly mutex: Mutex) {
    super();
  }

  /** What a waiting fiber waits on, for debugging listings. */
  describe(): string {
    return 'Mutex.lock()';
  }

  park(waiter: Waiter<void>): void {
    this.mutex.acquireFor(waiter);
  }

  unpark(waiter: Waiter<void>): boolean {
    return this.mutex.waiters.remove(waiter);
  }

  /** A lock granted to a waiter that was cancelled before it resumed is released again. */
  restore(): void {
    this.mutex.unlock();
  }
}
