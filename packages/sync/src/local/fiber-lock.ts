import { Operation, type Waiter } from '@spindle/core-context';
import type { Mutex } from './mutex.js';

/** The wake value that tells a fiber's lock step to try again instead of owning the lock. */
export const RETRY = Symbol('Mutex.retry');

/** What a fiber parked through {@link LockStep} is woken with: the lock (undefined) or RETRY. */
export type LockWake = typeof RETRY | undefined;

const DONE: IteratorResult<never, void> = { done: true, value: undefined };

/**
 * The iterator that `yield* mutex.lock()` drives. It takes a free lock without parking
 * (barging), else parks the fiber itself in the mutex's fiber queue. Woken with RETRY,
 * it takes the lock if it is still free, else parks the fiber again at the head of the
 * queue. One per `yield*`, like the step every operation allocates, so waiting allocates
 * nothing more.
 */
export class LockStep implements Iterator<Operation<LockWake>, void, LockWake> {
  private started = false;

  constructor(private readonly mutex: Mutex) {}

  next(woken: LockWake): IteratorResult<Operation<LockWake>, void> {
    const mutex = this.mutex;
    if (!this.started) {
      this.started = true;
      return mutex.tryLock() ? DONE : { done: false, value: mutex.fiberQueue.back };
    }
    if (woken !== RETRY || mutex.claimAfterRetry()) return DONE;
    return { done: false, value: mutex.fiberQueue.front };
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
 * Parks a fiber in the mutex's fiber queue, at the back (a new wait) or at the front (a
 * woken fiber that lost the lock to a barging caller: it keeps its turn). Stateless.
 */
export class FiberQueueWait extends Operation<LockWake> {
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
    this.mutex.parkFiber(waiter, this.atFront);
  }

  unpark(waiter: Waiter<LockWake>): boolean {
    return this.mutex.fiberLeft(waiter);
  }

  /** A halted fiber gives back the lock it was handed, or its turn to retry. */
  restore(woken: LockWake): void {
    if (woken === RETRY) this.mutex.retrierLeft();
    else this.mutex.unlock();
  }
}
