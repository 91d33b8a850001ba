import {
  checkWaitOptions,
  futexWake,
  NotHeldError,
  type Operation,
  OwnerDiedError,
  type WaitOptions,
} from '@spindle/core-context';
import { checkInteger, type SemaphoreInit, semaphoreLimits } from '../validate.js';
import { blockingTimeout } from '../wait-options.js';
import { impossibleState, initializing, SharedCells, withoutReset } from './cells.js';
import { THREAD_TABLE_CELLS, ThreadTable } from './thread-table.js';
import { SharedWait } from './wait-engine.js';

const AVAILABLE = 0;
const CAPACITY = 1;
const TABLE = 2;

/**
 * A weighted counting semaphore shared by worker threads: two Int32 cells (available,
 * capacity), then a table of what each thread holds. It holds at most its capacity, by
 * default the initial permits (start short with `{ permits: 0, capacity: n }`); releasing
 * past it (more than was acquired) throws NotHeldError.
 *
 * Permits a thread took and did not give back when it died are returned by a waiter that
 * notices (within about 100 ms); from then on every acquire that succeeds throws
 * OwnerDiedError with its permits held, until `markConsistent()`.
 */
export class SharedSemaphore extends SharedCells {
  static readonly INT32_SLOTS = 2 + THREAD_TABLE_CELLS;
  /** @internal what each thread holds */
  readonly holders: ThreadTable;

  /** A semaphore with `permits` (or a SemaphoreInit) available, in its own buffer or at `index` of `view`. */
  constructor(init: number | SemaphoreInit, view?: Int32Array, index = 0) {
    super(view, index, SharedSemaphore.INT32_SLOTS, 'SharedSemaphore');
    this.holders = new ThreadTable(this.view, index + TABLE);
    if (!initializing()) {
      this.checkAttached();
      return;
    }
    const { permits, capacity } = semaphoreLimits('SharedSemaphore', init, 2 ** 31 - 1);
    Atomics.store(this.view, index + AVAILABLE, permits);
    Atomics.store(this.view, index + CAPACITY, capacity);
    this.holders.reset();
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

  /** Takes `n` permits when available; never waits. Throws OwnerDiedError (with them) while marked. */
  tryAcquire(n = 1): boolean {
    this.checkRequest(n);
    if (this.take(n) !== true) return false;
    this.throwIfInconsistent();
    return true;
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
    this.holders.add(-n);
    futexWake(view, index + AVAILABLE);
  }

  /** After OwnerDiedError: the caller repaired what the dead thread left, acquires are normal again. */
  markConsistent(): void {
    this.holders.markConsistent();
  }

  /** Gives back the permits of threads that died holding them (up to the capacity). @internal */
  sweepDeadHolders(): void {
    const held = this.holders.sweep();
    if (held === 0) return;
    this.holders.markInconsistent();
    const { view, index } = this;
    const capacity = this.capacity;
    for (;;) {
      const free = Atomics.load(view, index + AVAILABLE);
      const next = Math.min(capacity, free + held);
      if (Atomics.compareExchange(view, index + AVAILABLE, free, next) === free) break;
    }
    futexWake(view, index + AVAILABLE);
  }

  /** @internal */
  throwIfInconsistent(): void {
    if (this.holders.inconsistent) {
      throw new OwnerDiedError(
        'A thread died holding permits of this SharedSemaphore; they were given back. You hold the permits you asked for: repair what the dead thread left, then call markConsistent()',
      );
    }
  }

  /** Takes `n` permits when available; otherwise returns the count seen, to sleep on. @internal */
  take(n: number): true | number {
    const { view, index } = this;
    for (;;) {
      const free = Atomics.load(view, index + AVAILABLE);
      if (free < n) return free;
      if (Atomics.compareExchange(view, index + AVAILABLE, free, free - n) !== free) continue;
      this.holders.add(n);
      return true;
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

class SharedAcquireWait extends SharedWait<void> {
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

  protected attempt(): boolean {
    const taken = this.semaphore.take(this.permits);
    if (taken === true) return true;
    this.expected = taken;
    return false;
  }

  protected result(): void {
    this.semaphore.throwIfInconsistent();
  }

  protected override afterQuietSlice(): void {
    this.semaphore.sweepDeadHolders();
  }

  override restore(): void {
    this.semaphore.release(this.permits);
  }
}
