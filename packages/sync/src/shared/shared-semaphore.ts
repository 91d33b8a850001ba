import {
  checkWaitOptions,
  futexWake,
  NotHeldError,
  type Operation,
  type WaitOptions,
} from '@spindle/core-context';
import { checkInteger, type SemaphoreInit, semaphoreLimits } from '../validate.js';
import { blockingTimeout } from '../wait-options.js';
import { impossibleState, initializing, SharedCells, withoutReset } from './cells.js';
import { CellAttempt, SharedWait } from './wait-engine.js';

const AVAILABLE = 0;
const CAPACITY = 1;

/**
 * A weighted counting semaphore in two Int32 cells (available, capacity) shared by worker
 * threads. It holds at most its capacity, by default the initial permits (start short
 * with `{ permits: 0, capacity: n }`); releasing past it (more than was acquired) throws
 * NotHeldError.
 *
 * Permits have no owner (any thread may release, and counting items is correct use), so
 * permits a thread dies holding stay taken: a per-thread account would give back, when a
 * consumer dies, the items it consumed, creating permits (see the README).
 */
export class SharedSemaphore extends SharedCells {
  static readonly INT32_SLOTS = 2;

  /** A semaphore with `permits` (or a SemaphoreInit) available, in its own buffer or at `index` of `view`. */
  constructor(init: number | SemaphoreInit, view?: Int32Array, index = 0) {
    super(view, index, SharedSemaphore.INT32_SLOTS, 'SharedSemaphore');
    if (!initializing()) {
      this.checkAttached();
      return;
    }
    const { permits, capacity } = semaphoreLimits('SharedSemaphore', init, 2 ** 31 - 1);
    Atomics.store(this.view, index + AVAILABLE, permits);
    Atomics.store(this.view, index + CAPACITY, capacity);
  }

  /**
   * Opens the SharedSemaphore whose cells start at `index` of `view` without resetting them: how
   * a worker that was posted the buffer opens a live one (`new` would reset its state).
   */
  static attach(view: Int32Array, index = 0): SharedSemaphore {
    return withoutReset(() => new SharedSemaphore(0, view, index));
  }

  get available(): number {
    return Atomics.load(this.view, this.index + AVAILABLE);
  }

  get capacity(): number {
    return Atomics.load(this.view, this.index + CAPACITY);
  }

  tryAcquire(n = 1): boolean {
    this.checkRequest(n);
    return this.take(n) === true;
  }

  /** Takes `n` permits, parking the caller without blocking the thread. */
  acquire(n = 1, options?: WaitOptions): Operation<void> {
    this.checkRequest(n);
    return new SharedAcquireWait(this, n, checkWaitOptions(options, 'SharedSemaphore.acquire'));
  }

  /** Takes `n` permits by blocking this worker thread (BlockingCallError on the main thread). */
  acquireBlocking(n = 1, options?: { timeout?: number }): void {
    this.checkRequest(n);
    new SharedAcquireWait(this, n, undefined).block(
      'SharedSemaphore.acquireBlocking',
      blockingTimeout(options, 'SharedSemaphore.acquireBlocking'),
    );
  }

  release(n = 1): void {
    checkInteger('SharedSemaphore.release count', n, 1);
    const { view, index } = this;
    const capacity = this.capacity;
    for (;;) {
      const free = Atomics.load(view, index + AVAILABLE);
      if (free + n > capacity) {
        throw new NotHeldError(
          `SharedSemaphore.release(${n}) would raise the permits to ${free + n}, above the capacity ${capacity}: more permits released than acquired`,
        );
      }
      if (Atomics.compareExchange(view, index + AVAILABLE, free, free + n) === free) break;
    }
    futexWake(view, index + AVAILABLE);
  }

  /** Takes `n` permits when available; otherwise returns the count seen, to sleep on. @internal */
  take(n: number): true | number {
    const { view, index } = this;
    for (;;) {
      const free = Atomics.load(view, index + AVAILABLE);
      if (free < n) return free;
      if (Atomics.compareExchange(view, index + AVAILABLE, free, free - n) === free) return true;
    }
  }

  private checkAttached(): void {
    const { available, capacity } = this;
    if (capacity < 1 || available < 0 || available > capacity) {
      throw impossibleState(
        'SharedSemaphore',
        this.index,
        `${available} permits of a capacity of ${capacity}`,
      );
    }
  }

  private checkRequest(n: number): void {
    checkInteger('SharedSemaphore permit count', n, 1);
    if (n > this.capacity) {
      throw new RangeError(`cannot acquire ${n} permits from a semaphore of capacity ${this.capacity}`);
    }
  }
}

/** An acquire; selectable (a withdrawn wait takes nothing). Each wait on it takes its own permits. */
class SharedAcquireWait extends SharedWait<void> {
  readonly selectable = true;

  constructor(
    private readonly semaphore: SharedSemaphore,
    private readonly permits: number,
    options: WaitOptions | undefined,
  ) {
    super(semaphore.view, semaphore.index + AVAILABLE, options);
  }

  describe(): string {
    return `SharedSemaphore.acquire(${this.permits})`;
  }

  protected newAttempt(): AcquireAttempt {
    return new AcquireAttempt(this.semaphore, this.permits);
  }

  override restore(): void {
    this.semaphore.release(this.permits);
  }
}

class AcquireAttempt extends CellAttempt<void> {
  constructor(
    private readonly semaphore: SharedSemaphore,
    private readonly permits: number,
  ) {
    super();
  }

  attempt(): boolean {
    const taken = this.semaphore.take(this.permits);
    if (taken === true) return true;
    this.expected = taken;
    return false;
  }

  result(): void {}
}
