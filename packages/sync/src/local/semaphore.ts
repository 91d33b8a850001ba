import {
  bounded,
  checkWaitOptions,
  List,
  NotHeldError,
  Operation,
  Relay,
  RelayingOperation,
  type UnparkResult,
  type Waiter,
  type WaitOptions,
} from '@spindle/core-context';
import { checkInteger, type SemaphoreInit, semaphoreLimits } from '../validate.js';

/**
 * A weighted counting semaphore for fibers and async code on one thread. It starts with
 * `permits` available and holds at most its capacity, by default those permits (start
 * short with `{ permits: 0, capacity: n }`): releasing past the capacity (more than was
 * acquired) throws NotHeldError. Waiters are served in order; a large request at the head holds
 * back smaller ones behind it, so it is never starved.
 *
 * Every acquire is selectable: a withdrawn wait leaves the queue, and when it was the head,
 * the waiters it held back are served at once, as if it had never queued. That dispatch
 * runs inside `unpark` (re-entrantly, when a select withdraws its losing cases): a waiter
 * whose claim is refused there keeps its place and the permits stay (rule 3).
 */
export class Semaphore {
  readonly capacity: number;
  #free: number;
  readonly #waiters = new List<Waiter<void>>();
  readonly #acquireOne = new AcquireOne(this);

  /** `new Semaphore(3)`, or `new Semaphore({ permits: 0, capacity: 3 })` to start with none. */
  constructor(init: number | SemaphoreInit) {
    const { permits, capacity } = semaphoreLimits('Semaphore', init);
    this.#free = permits;
    this.capacity = capacity;
  }

  /** Permits available now. */
  get available(): number {
    return this.#free;
  }

  /** Number of waiters queued. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** Takes `n` permits when they are available and nobody waits ahead; never waits. */
  tryAcquire(n = 1): boolean {
    this.#checkRequest(n);
    if (!this.#fits(n)) return false;
    this.#free -= n;
    return true;
  }

  /**
   * Takes `n` permits, waiting until they are available; options `{ timeout, signal, token }`
   * bound the wait. `acquire()` (one permit, no options) returns a shared operation that
   * allocates nothing. Each wait on the returned operation is a new acquire: awaiting it
   * twice takes the permits twice.
   */
  acquire(n = 1, options?: WaitOptions): Operation<void> {
    this.#checkRequest(n);
    const operation = n === 1 ? this.#acquireOne : new AcquireMany(this, n);
    return bounded(operation, checkWaitOptions(options, 'Semaphore.acquire'));
  }

  /** Gives back `n` permits and wakes waiters they satisfy. Throws NotHeldError past the capacity. */
  release(n = 1): void {
    checkInteger('Semaphore.release count', n, 1);
    if (this.#free + n > this.capacity) {
      throw new NotHeldError(
        `Semaphore.release(${n}) would raise the permits to ${this.#free + n}, above the capacity ${this.capacity}: more permits released than acquired`,
      );
    }
    this.#free += n;
    this.#dispatch();
  }

  /**
   * @internal parks `waiter` for `n` permits (the acquire operations of this file), or
   * hands them over, claimed first: a waiter that refuses (rule 3) takes nothing.
   */
  park(waiter: Waiter<void>, n: number): void {
    if (!this.#fits(n)) this.#waiters.pushBack(waiter);
    else if (waiter.claim()) {
      this.#free -= n;
      waiter.settle(true, undefined);
    }
  }

  /** `n` permits are free and nobody waits ahead. */
  #fits(n: number): boolean {
    return this.#free >= n && this.#waiters.isEmpty;
  }

  /** @internal takes `waiter` out of the queue; the ones it held back may fit now */
  leave(waiter: Waiter<void>): boolean {
    const wasHead = this.#waiters.first() === waiter;
    if (!this.#waiters.remove(waiter)) return false;
    if (wasHead) this.#dispatch();
    return true;
  }

  /**
   * Serves waiters in order while the permits cover them. A waiter that refuses its claim
   * is passed over and stays queued (its select is settling another case); the next one
   * is served.
   */
  #dispatch(): void {
    let waiter = this.#waiters.first();
    while (waiter !== null) {
      const n = weightOf(waiter);
      if (n > this.#free) return;
      if (!waiter.claim()) {
        waiter = waiter.next as Waiter<void> | null;
        continue;
      }
      this.#waiters.remove(waiter);
      this.#free -= n;
      waiter.settle(true, undefined);
      waiter = this.#waiters.first();
    }
  }

  #checkRequest(n: number): void {
    checkInteger('Semaphore permit count', n, 1);
    if (n > this.capacity) {
      throw new RangeError(`cannot acquire ${n} permits from a semaphore of capacity ${this.capacity}`);
    }
  }
}

/** One permit: the caller's waiter (a fiber) is linked as is. */
class AcquireOne extends Operation<void> {
  readonly selectable = true;

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

  unpark(waiter: Waiter<void>): UnparkResult {
    return this.semaphore.leave(waiter);
  }

  restore(): void {
    this.semaphore.release(1);
  }
}

/** Several permits: each wait is a relay that carries the weight and stands in the queue for the caller. */
class AcquireMany extends RelayingOperation<void> {
  readonly selectable = true;

  constructor(
    private readonly semaphore: Semaphore,
    readonly permits: number,
  ) {
    super();
  }

  /** What a waiting fiber waits on, for debugging listings. */
  override describe(): string {
    return `Semaphore.acquire(${this.permits})`;
  }

  protected relay(outer: Waiter<void>): WeightedWait {
    return new WeightedWait(this.semaphore, this.permits, outer);
  }

  restore(): void {
    this.semaphore.release(this.permits);
  }
}

class WeightedWait extends Relay<void> {
  constructor(
    private readonly semaphore: Semaphore,
    readonly permits: number,
    outer: Waiter<void>,
  ) {
    super(outer);
  }

  begin(): void {
    this.semaphore.park(this, this.permits);
  }

  protected leave(): UnparkResult {
    return this.semaphore.leave(this);
  }
}

function weightOf(waiter: Waiter<void>): number {
  return waiter instanceof WeightedWait ? waiter.permits : 1;
}
