import { List, NotHeldError, Operation, type Waiter, type WaitOptions } from '@spindle/core-context';
import { checkInteger, type SemaphoreInit, semaphoreLimits } from '../validate.js';
import { withOptions } from '../wait-options.js';
import { Relay } from './relay.js';

/**
 * A weighted counting semaphore for fibers and async code on one thread. It starts with
 * `permits` available and holds at most its capacity, by default those permits (start
 * short with `{ permits: 0, capacity: n }`): releasing past the capacity (more than was
 * acquired) throws NotHeldError. Waiters are served in order; a large request at the head holds
 * back smaller ones behind it, so it is never starved.
 */
export class Semaphore {
  /** @internal */ free: number;
  readonly capacity: number;
  /** @internal */ readonly waiters = new List<Waiter<void>>();
  private readonly acquireOne = new AcquireOperation(this);

  /** `new Semaphore(3)`, or `new Semaphore({ permits: 0, capacity: 3 })` to start with none. */
  constructor(init: number | SemaphoreInit) {
    const { permits, capacity } = semaphoreLimits('Semaphore', init);
    this.free = permits;
    this.capacity = capacity;
  }

  /** Permits available now. */
  get available(): number {
    return this.free;
  }

  /** Takes `n` permits when they are available and nobody waits ahead; never waits. */
  tryAcquire(n = 1): boolean {
    this.checkRequest(n);
    if (this.free < n || !this.waiters.isEmpty) return false;
    this.free -= n;
    return true;
  }

  /**
   * Takes `n` permits, waiting until they are available. `acquire()` (one permit, no
   * options) returns a shared operation that allocates nothing; other weights allocate one.
   */
  acquire(n = 1, options?: WaitOptions): Operation<void> {
    this.checkRequest(n);
    const operation = n === 1 ? this.acquireOne : new AcquireMany(this, n);
    return withOptions(operation, options, 'Semaphore.acquire');
  }

  /** Gives back `n` permits and wakes waiters they satisfy. Throws NotHeldError past the capacity. */
  release(n = 1): void {
    checkInteger('Semaphore.release count', n, 1);
    if (this.free + n > this.capacity) {
      throw new NotHeldError(
        `Semaphore.release(${n}) would raise the permits to ${this.free + n}, above the capacity ${this.capacity}: more permits released than acquired`,
      );
    }
    this.free += n;
    this.dispatch();
  }

  /** @internal */
  park(waiter: Waiter<void>, n: number): void {
    if (this.free < n || !this.waiters.isEmpty) {
      this.waiters.pushBack(waiter);
      return;
    }
    this.free -= n;
    if (!waiter.wake(undefined)) this.release(n);
  }

  /** @internal The head left the queue: the ones behind it may fit now. */
  dispatch(): void {
    for (let head = this.waiters.first(); head !== null; head = this.waiters.first()) {
      const n = weightOf(head);
      if (n > this.free) return;
      this.waiters.remove(head);
      this.free -= n;
      if (!head.wake(undefined)) this.free += n;
    }
  }

  private checkRequest(n: number): void {
    checkInteger('Semaphore permit count', n, 1);
    if (n > this.capacity) {
      throw new RangeError(`cannot acquire ${n} permits from a semaphore of capacity ${this.capacity}`);
    }
  }
}

/** One permit: the caller's waiter (a fiber) is linked as is. */
class AcquireOperation extends Operation<void> {
  constructor(private readonly semaphore: Semaphore) {
    super();
  }

  /** What a waiting fiber waits on, for debugging listings. */
  describe(): string {
    return 'Semaphore.acquire()';
  }

  park(waiter: Waiter<void>): void {
    this.semaphore.park(waiter, 1);
  }

  unpark(waiter: Waiter<void>): boolean {
    return leave(this.semaphore, waiter);
  }

  restore(): void {
    this.semaphore.release(1);
  }
}

/** Several permits: this relay carries the weight and stands in the queue for the caller's waiter. */
class AcquireMany extends Relay<void> {
  constructor(
    private readonly semaphore: Semaphore,
    readonly permits: number,
  ) {
    super();
  }

  /** What a waiting fiber waits on, for debugging listings. */
  describe(): string {
    return `Semaphore.acquire(${this.permits})`;
  }

  protected enter(): void {
    this.semaphore.park(this, this.permits);
  }

  protected leave(): boolean {
    return leave(this.semaphore, this);
  }

  restore(): void {
    this.semaphore.release(this.permits);
  }
}

function weightOf(waiter: Waiter<void>): number {
  return waiter instanceof AcquireMany ? waiter.permits : 1;
}

function leave(semaphore: Semaphore, waiter: Waiter<void>): boolean {
  const wasHead = semaphore.waiters.first() === waiter;
  if (!semaphore.waiters.remove(waiter)) return false;
  if (wasHead) semaphore.dispatch();
  return true;
}
