import {
  bounded,
  checkWaitOptions,
  faultPoint,
  List,
  NotHeldError,
  Operation,
  type UnparkResult,
  type Waiter,
  type WaitOptions,
} from '@spindle/core-context';
import { claimFirst } from './waiter-list.js';

/** The wake value that tells a fiber's lock step to try again instead of owning the lock. */
const RETRY = Symbol('Mutex.retry');
type LockWake = typeof RETRY | undefined;

const DONE: IteratorResult<never, void> = { done: true, value: undefined };

/** The two places a LockStep parks its fiber. */
interface FiberQueue {
  readonly back: Operation<LockWake>;
  readonly front: Operation<LockWake>;
}

// What the helpers below the class may do to a mutex; set by its static block, so the
// mutex's state stays #private and nothing outside this file can reach it.
let acquireFor: (mutex: Mutex, waiter: Waiter<void>) => void;
let leaveQueue: (mutex: Mutex, waiter: Waiter<void>) => boolean;
let parkFiber: (mutex: Mutex, fiber: Waiter<LockWake>, atFront: boolean) => void;
let fiberLeft: (mutex: Mutex, fiber: Waiter<LockWake>) => boolean;
let claimAfterRetry: (mutex: Mutex) => boolean;
let retrierLeft: (mutex: Mutex) => void;

/**
 * A mutual-exclusion lock for fibers and async code on one thread. It barges: a caller
 * that finds it free takes it at once, also ahead of queued waiters.
 *
 * Two queues. `yield* mutex.lock()` runs a LockStep (below): a fiber takes a free lock
 * without parking, else parks in the fiber queue; `unlock` frees the lock and wakes the
 * head fiber to retry, and a fiber that finds it taken again by a barging caller parks
 * again at the head. Once the head has lost BARGE_LIMIT times, `unlock` hands the lock
 * straight to it, so unfairness is bounded. Every other wait (`await`, a wait with
 * options, a select or combinator parking the operation, a condition taking the mutex
 * back) sits in the direct queue and is handed the lock. The queues take turns: at most
 * BARGE_LIMIT direct hand-offs in a row while a fiber waits.
 *
 * The LockStep is an iterator override, allowed under one rule: it may change the cost of
 * a wait, never its outcome. Either way the caller ends holding the lock (or with the
 * wait's error); the override only saves the park and the wake of a contended hand-off
 * (see the README's mutex-contention figures).
 */
export class Mutex {
  /** How often a waiter may be overtaken at the head of a queue before it is handed the lock. */
  static readonly BARGE_LIMIT = 4;
  #held = false;
  /** Waiters that are handed the lock. */
  readonly #waiters = new List<Waiter<void>>();
  /** Fibers of LockStep, which retry when woken. */
  readonly #fibers = new List<Waiter<LockWake>>();
  /** A fiber woken with RETRY has not run yet: until it does, unlock wakes nobody else. */
  #retrying = false;
  /** The lock is held for that fiber: it lost BARGE_LIMIT times. */
  #reservedForRetrier = false;
  /** Times the head fiber (queued, or woken and not yet run) was overtaken by a barging caller. */
  #headLosses = 0;
  /** Direct hand-offs in a row while fibers waited. */
  #directStreak = 0;
  readonly #lock = new LockOperation(this);

  /** True while someone holds the lock. */
  get locked(): boolean {
    return this.#held;
  }

  /** Number of waiters queued for the lock. */
  get waiting(): number {
    return this.#waiters.size + this.#fibers.size;
  }

  /** Takes the lock when it is free and returns true; never waits. */
  tryLock(): boolean {
    if (this.#held) return false;
    this.#held = true;
    // Taken ahead of a woken fiber that has not run yet: that fiber loses a turn.
    if (this.#retrying) this.#headLosses++;
    return true;
  }

  /**
   * Takes the lock, waiting when it is held: `await mutex.lock()` or `yield* mutex.lock()`.
   * Options `{ timeout, signal, token }` bound the wait. Without options the returned
   * operation is shared and allocates nothing. Selectable: a withdrawn wait leaves no trace.
   */
  lock(options?: WaitOptions): Operation<void> {
    return bounded(this.#lock, checkWaitOptions(options, 'Mutex.lock'));
  }

  /** Releases the lock and lets the next waiter have it. Throws NotHeldError when it is not held. */
  unlock(): void {
    if (!this.#held) throw new NotHeldError('Mutex.unlock() was called but the mutex is not locked');
    if (this.#retrying) {
      // A woken fiber has not run yet; once it has lost often enough, the lock waits for it.
      this.#reservedForRetrier = this.#headLosses >= Mutex.BARGE_LIMIT;
      this.#held = this.#reservedForRetrier;
      return;
    }
    this.#held = false;
    this.#dispatch();
  }

  /** With the lock free, wakes the head fiber to retry or hands the lock to a waiter. */
  #dispatch(): void {
    if (this.#retrying) return;
    const directFirst = this.#fibers.isEmpty || this.#directStreak < Mutex.BARGE_LIMIT;
    if (directFirst && this.#handToWaiter()) return;
    this.#directStreak = 0;
    if (!this.#wakeHeadFiber() && !directFirst) this.#handToWaiter();
  }

  /** Hands the free lock to the first direct waiter that accepts; false when none does. */
  #handToWaiter(): boolean {
    const waiter = claimFirst(this.#waiters);
    if (waiter === null) return false;
    if (!this.#fibers.isEmpty) this.#directStreak++;
    this.#held = true;
    waiter.settle(true, undefined);
    return true;
  }

  /**
   * Wakes the first fiber of the fiber queue that accepts: to retry, or, once it lost
   * BARGE_LIMIT times, with the lock. False when none accepts.
   */
  #wakeHeadFiber(): boolean {
    const fibers = this.#fibers;
    let head = fibers.first();
    if (head === null) return false;
    // The head accepts (the usual case) or the first one behind it that does.
    if (head.claim()) fibers.popFront();
    else if ((head = claimFirst(fibers)) === null) return false;
    // Fault point "mutex.unlock": a seeded test hands the lock straight to the head fiber
    // instead of letting it retry (the interleaving where it owns the lock before it runs).
    if (this.#headLosses < Mutex.BARGE_LIMIT && !faultPoint('mutex.unlock')) {
      this.#retrying = true;
      head.settle(true, RETRY);
    } else {
      this.#headLosses = 0;
      this.#held = true;
      head.settle(true, undefined);
    }
    return true;
  }

  static {
    acquireFor = (mutex, waiter) => {
      if (mutex.#held) mutex.#waiters.pushBack(waiter);
      else takeFree(mutex, waiter, undefined);
    };
    leaveQueue = (mutex, waiter) => mutex.#waiters.remove(waiter);
    parkFiber = (mutex, fiber, atFront) => {
      if (!mutex.#held) {
        takeFree(mutex, fiber, undefined);
      } else if (atFront) {
        mutex.#fibers.pushFront(fiber);
      } else {
        mutex.#fibers.pushBack(fiber);
      }
    };
    fiberLeft = (mutex, fiber) => {
      const wasHead = mutex.#fibers.first() === fiber;
      if (!mutex.#fibers.remove(fiber)) return false;
      // While a woken fiber retries, the losses counted are its own, not the new head's.
      if (wasHead && !mutex.#retrying) mutex.#headLosses = 0;
      return true;
    };
    claimAfterRetry = (mutex) => {
      mutex.#retrying = false;
      if (mutex.#reservedForRetrier) {
        mutex.#reservedForRetrier = false;
      } else if (mutex.#held) {
        return false;
      }
      mutex.#held = true;
      mutex.#headLosses = 0;
      return true;
    };
    retrierLeft = (mutex) => {
      mutex.#retrying = false;
      mutex.#headLosses = 0;
      if (mutex.#reservedForRetrier) {
        mutex.#reservedForRetrier = false;
        mutex.#held = false;
      }
      if (!mutex.#held) mutex.#dispatch();
    };
  }
}

/**
 * Hands the free lock to a waiter parking now, claimed first: one that refuses (rule 3)
 * takes nothing, so no barge is counted against a woken fiber and nothing is handed on.
 */
function takeFree<T>(mutex: Mutex, waiter: Waiter<T>, value: T): void {
  if (!waiter.claim()) return;
  mutex.tryLock();
  waiter.settle(true, value);
}

/**
 * The lock operation. Parked by anyone (async code, bounded waits, select, combinators), it
 * hands the waiter the lock. `yield*` drives a LockStep instead, with the same outcome.
 */
class LockOperation extends Operation<void> {
  readonly selectable = true;
  /** Where LockStep parks a fiber: a new wait at the back, a fiber that lost its retry at the front. */
  readonly queue: FiberQueue;

  constructor(private readonly mutex: Mutex) {
    super();
    this.queue = { back: new FiberQueueWait(mutex, false), front: new FiberQueueWait(mutex, true) };
  }

  /** What a waiting fiber waits on, for debugging listings. */
  describe(): string {
    return 'Mutex.lock()';
  }

  override [Symbol.iterator](): Iterator<Operation<void>, void, void> {
    return new LockStep(this.mutex, this.queue) as Iterator<Operation<void>, void, void>;
  }

  park(waiter: Waiter<void>): void {
    acquireFor(this.mutex, waiter);
  }

  unpark(waiter: Waiter<void>): UnparkResult {
    return leaveQueue(this.mutex, waiter);
  }

  /** A lock granted to a waiter that was cancelled before it resumed is released again. */
  restore(): void {
    this.mutex.unlock();
  }
}

/**
 * The iterator that `yield* mutex.lock()` drives. It takes a free lock without parking
 * (barging), else parks the fiber itself in the mutex's fiber queue. Woken with RETRY, it
 * takes the lock if it is still free, else parks the fiber again at the head of the queue.
 * One per `yield*`, like the step every operation allocates, so waiting allocates nothing more.
 */
class LockStep implements Iterator<Operation<LockWake>, void, LockWake> {
  private started = false;

  constructor(
    private readonly mutex: Mutex,
    private readonly queue: FiberQueue,
  ) {}

  next(woken: LockWake): IteratorResult<Operation<LockWake>, void> {
    const mutex = this.mutex;
    if (!this.started) {
      this.started = true;
      return mutex.tryLock() ? DONE : { done: false, value: this.queue.back };
    }
    if (woken !== RETRY || claimAfterRetry(mutex)) return DONE;
    return { done: false, value: this.queue.front };
  }

  /** A halted fiber: its wait was already withdrawn (unpark or restore) before this. */
  return(): IteratorResult<Operation<LockWake>, void> {
    return DONE;
  }

  throw(error: unknown): IteratorResult<Operation<LockWake>, void> {
    throw error;
  }
}

/**
 * Parks a LockStep's fiber in the fiber queue, at the back (a new wait) or at the front (a
 * woken fiber that lost the lock to a barging caller: it keeps its turn). Stateless. Its
 * outcome is RETRY, which only a LockStep understands, so it is not selectable.
 */
class FiberQueueWait extends Operation<LockWake> {
  readonly selectable = false;

  constructor(
    private readonly mutex: Mutex,
    private readonly atFront: boolean,
  ) {
    super();
  }

  /** What a waiting fiber waits on, for debugging listings. */
  describe(): string {
    return 'Mutex.lock()';
  }

  park(waiter: Waiter<LockWake>): void {
    parkFiber(this.mutex, waiter, this.atFront);
  }

  unpark(waiter: Waiter<LockWake>): UnparkResult {
    return fiberLeft(this.mutex, waiter);
  }

  /** A halted fiber gives back the lock it was handed, or its turn to retry. */
  restore(woken: LockWake): void {
    if (woken === RETRY) retrierLeft(this.mutex);
    else this.mutex.unlock();
  }
}
