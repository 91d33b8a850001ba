import { List, NotHeldError, Operation, type Waiter, type WaitOptions } from '@spindle/core-context';
import { withOptions } from '../wait-options.js';
import { FiberQueueWait, LockStep, type LockWake, RETRY } from './fiber-lock.js';

/**
 * A mutual-exclusion lock for fibers and async code on one thread. It barges: a caller
 * that finds it free takes it at once, also ahead of queued waiters.
 *
 * A fiber that waits through `yield* mutex.lock()` sits in the fiber queue. `unlock` frees
 * the lock and wakes the head fiber to retry; if a running caller took the lock in the
 * meantime, the fiber parks again at the head. Once the head has lost BARGE_LIMIT times,
 * `unlock` hands the lock straight to it, so unfairness is bounded.
 *
 * Other waiters cannot retry on their own (`await mutex.lock()`, waits with options,
 * Condition waits taking the mutex back, a bare `yield mutex.lock()`): they sit in the
 * direct queue and `unlock` hands them the lock. The two queues take turns: at most
 * BARGE_LIMIT direct hand-offs in a row while a fiber waits.
 */
export class Mutex {
  /** How often a waiter may be overtaken at the head of a queue before it is handed the lock. */
  static readonly BARGE_LIMIT = 4;
  /** @internal */ held = false;
  /** @internal waiters that are handed the lock */
  readonly waiters = new List<Waiter<void>>();
  /** @internal fibers that retry when woken */
  readonly fiberWaiters = new List<Waiter<LockWake>>();
  /** @internal where LockStep parks a fiber */
  readonly fiberQueue = { back: new FiberQueueWait(this, false), front: new FiberQueueWait(this, true) };
  /** A fiber woken with RETRY has not run yet: until it does, unlock wakes nobody else. */
  private retrying = false;
  /** The lock is held for that fiber: it lost BARGE_LIMIT times. */
  private reservedForRetrier = false;
  /** Times the head fiber (queued, or woken and not yet run) was overtaken by a barging caller. */
  private headLosses = 0;
  /** Direct hand-offs in a row while fibers waited. */
  private directStreak = 0;
  private readonly lockOperation = new LockOperation(this);

  /** True while someone holds the lock. */
  get locked(): boolean {
    return this.held;
  }

  /** Number of waiters queued for the lock. */
  get waiting(): number {
    return this.waiters.size + this.fiberWaiters.size;
  }

  /** Takes the lock when it is free and returns true; never waits. */
  tryLock(): boolean {
    if (this.held) return false;
    this.held = true;
    // Taken ahead of a woken fiber that has not run yet: that fiber loses a turn.
    if (this.retrying) this.headLosses++;
    return true;
  }

  /**
   * Takes the lock, waiting when it is held: `await mutex.lock()` or `yield* mutex.lock()`.
   * Without options the returned operation is shared and allocates nothing.
   */
  lock(options?: WaitOptions): Operation<void> {
    return withOptions(this.lockOperation, options, 'Mutex.lock');
  }

  /** Releases the lock and lets the next waiter have it. Throws NotHeldError when it is not held. */
  unlock(): void {
    if (!this.held) throw new NotHeldError('Mutex.unlock() was called but the mutex is not locked');
    if (this.retrying) {
      // A woken fiber has not run yet; once it has lost often enough, the lock waits for it.
      this.reservedForRetrier = this.headLosses >= Mutex.BARGE_LIMIT;
      this.held = this.reservedForRetrier;
      return;
    }
    this.held = false;
    this.dispatch();
  }

  /**
   * Acquires for a waiter that is handed the lock: grants at once when free, else queues
   * it. Returns false only when the lock was granted and the waiter refused it.
   * @internal
   */
  acquireFor(waiter: Waiter<void>): boolean {
    if (!this.tryLock()) {
      this.waiters.pushBack(waiter);
      return true;
    }
    if (waiter.wake(undefined)) return true;
    this.unlock();
    return false;
  }

  /** @internal queues a fiber of LockStep; a woken fiber that lost the lock keeps the head. */
  parkFiber(fiber: Waiter<LockWake>, atFront: boolean): void {
    if (this.tryLock()) {
      if (!fiber.wake(undefined)) this.unlock();
    } else if (atFront) {
      this.fiberWaiters.pushFront(fiber);
    } else {
      this.fiberWaiters.pushBack(fiber);
    }
  }

  /** @internal the woken fiber runs: it takes the lock unless a barging caller did. */
  claimAfterRetry(): boolean {
    this.retrying = false;
    if (this.reservedForRetrier) {
      this.reservedForRetrier = false;
    } else if (this.held) {
      return false;
    }
    this.held = true;
    this.headLosses = 0;
    return true;
  }

  /** @internal the woken fiber was halted before it ran: the next waiter gets the turn. */
  retrierLeft(): void {
    this.retrying = false;
    this.headLosses = 0;
    if (this.reservedForRetrier) {
      this.reservedForRetrier = false;
      this.held = false;
    }
    if (!this.held) this.dispatch();
  }

  /** @internal a fiber left the fiber queue (halted while parked). */
  fiberLeft(fiber: Waiter<LockWake>): boolean {
    const wasHead = this.fiberWaiters.first() === fiber;
    if (!this.fiberWaiters.remove(fiber)) return false;
    // While a woken fiber retries, the losses counted are its own, not the new head's.
    if (wasHead && !this.retrying) this.headLosses = 0;
    return true;
  }

  /** With the lock free, wakes the head fiber to retry or hands the lock to a waiter. */
  private dispatch(): void {
    if (this.retrying) return;
    for (;;) {
      const fibers = this.fiberWaiters;
      if (!this.waiters.isEmpty && (fibers.isEmpty || this.directStreak < Mutex.BARGE_LIMIT)) {
        if (!fibers.isEmpty) this.directStreak++;
        if (this.handOff(this.waiters.popFront()!)) return;
        continue;
      }
      this.directStreak = 0;
      const head = fibers.popFront();
      if (head === null) return;
      if (this.headLosses < Mutex.BARGE_LIMIT) {
        this.retrying = head.wake(RETRY);
        if (this.retrying) return;
        this.headLosses = 0;
      } else {
        this.headLosses = 0;
        if (this.handOff(head)) return;
      }
    }
  }

  private handOff(waiter: { wake(value: undefined): boolean }): boolean {
    this.held = true;
    if (waiter.wake(undefined)) return true;
    this.held = false;
    return false;
  }
}

/** The lock operation: `yield*` drives a LockStep; every other caller is handed the lock. */
class LockOperation extends Operation<void> {
  constructor(private readonly mutex: Mutex) {
    super();
  }

  /** What a waiting fiber waits on, for debugging listings. */
  describe(): string {
    return 'Mutex.lock()';
  }

  override [Symbol.iterator](): Iterator<Operation<void>, void, void> {
    return new LockStep(this.mutex) as Iterator<Operation<void>, void, void>;
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
