import { isMainThread } from 'node:worker_threads';
import {
  BlockingCallError,
  Cancelled,
  futexWait,
  futexWaitAsync,
  InvalidStateError,
  Operation,
  TimeoutError,
  type Waiter,
  type WaitOptions,
} from '@spindle/core-context';
import { type CellSleeps, cellSleeps, sleepAbandoned, sleepEnded } from './abandoned-sleeps.js';
import { QuietWatch } from './quiet-watch.js';
import { holderDeathVisible } from './thread-identity.js';

/**
 * How often a waiter looks whether the holder's thread died (`afterQuietSlice`), so a
 * dead holder is noticed within about this bound: a blocking wait sleeps at most this
 * long at a time, and the async waits of a thread are looked at by one timer this often.
 */
export const QUIET_SLICE_MS = 100;

// biome-ignore lint/suspicious/noExplicitAny: the waits of any result type
const asyncSleepers = new QuietWatch<SharedWait<any>>(QUIET_SLICE_MS);

/**
 * One wait on a shared primitive, in both forms: an Operation (fibers and async code,
 * parking on `futexWaitAsync`, never blocking the thread) and `block()` (workers only,
 * on `futexWait`). A subclass says how to try (`attempt`) and which cell value to sleep
 * on while it cannot (`expected` at `cell`). Each call of a waiting method makes one.
 *
 * The wait owns its timeout and signal (checked by the caller) and hands the timeout to
 * the futex sleep itself, so a timed-out wait leaves no V8 waiter behind. V8 cannot
 * withdraw an async waiter, so the abandoned waiters of aborted or halted waits are let go
 * by a wake of the whole cell once they outnumber the thread's live ones (see
 * abandoned-sleeps.ts); the live ones look again and sleep on (every wait here re-checks
 * after a wake).
 */
export abstract class SharedWait<T> extends Operation<T> {
  /** The cell value to sleep on when `attempt` fails. */
  protected expected = 0;
  private outer: Waiter<T> | null = null;
  private controller: AbortController | null = null;
  private sleeps: CellSleeps | null = null;

  protected constructor(
    private readonly view: Int32Array,
    private readonly cell: number,
    private readonly options: WaitOptions | undefined,
  ) {
    super();
  }

  /** A wait with a timeout ends by itself. */
  get timed(): boolean {
    return this.options?.timeout !== undefined;
  }

  /** What a waiting fiber waits on, for debugging listings (`"SharedMutex.lock()"`). */
  abstract describe(): string;
  /** Tries to complete; false sets `expected`. May throw a typed error (a broken barrier). */
  protected abstract attempt(): boolean;
  /**
   * The result once `attempt` returned true. It may throw a typed error that comes with
   * the result (OwnerDiedError comes with the lock held): a caller that cannot take it
   * any more gets the result restored.
   */
  protected abstract result(): T;
  /** Undoes what earlier attempts registered; false when the wait completed meanwhile and cannot leave. */
  protected leave(): boolean {
    return true;
  }
  /**
   * Called while the wait sleeps, about every QUIET_SLICE_MS, and once more before it
   * times out: the place to notice a dead thread. What it changes in the cells it must
   * wake the cell for.
   */
  protected afterQuietSlice(): void {}
  /** Gives back a result a cancelled waiter accepted (a lock is unlocked again). */
  restore(_value: T): void {}

  park(waiter: Waiter<T>): void {
    if (this.outer !== null) {
      throw new InvalidStateError(
        'This shared wait is already in progress: call the waiting method again for another wait',
      );
    }
    const signal = this.options?.signal;
    if (signal?.aborted) {
      waiter.fail(abortedError(signal));
      return;
    }
    this.outer = waiter;
    try {
      if (this.attempt()) {
        this.deliver();
        return;
      }
    } catch (error) {
      this.deliverError(error);
      return;
    }
    signal?.addEventListener('abort', this, ONCE);
    this.sleep(new AbortController());
  }

  unpark(waiter: Waiter<T>): boolean {
    if (this.outer !== waiter || !this.abandon()) return false;
    this.outer = null;
    return true;
  }

  /** The caller's signal aborted (EventTarget calls `handleEvent` on listener objects). */
  handleEvent(): void {
    if (this.outer !== null && this.abandon()) this.deliverError(abortedError(this.options!.signal!));
  }

  /**
   * Waits by blocking this worker thread; throws BlockingCallError on the main thread.
   * Looks for dead threads every QUIET_SLICE_MS of waiting, however often it is woken,
   * and once more before it times out.
   */
  block(what: string, timeout?: number): T {
    if (isMainThread) throw new BlockingCallError(what);
    // The first attempt reads no clock: an uncontended lock must stay one compare-exchange.
    if (!this.attempt()) this.blockUntilDone(what, timeout);
    return this.result();
  }

  /** The rest of `block` once a first attempt failed: sleeps, looks for dead threads, times out. */
  private blockUntilDone(what: string, timeout: number | undefined): void {
    let lookedAt = performance.now();
    const deadline = timeout === undefined ? Number.POSITIVE_INFINITY : lookedAt + timeout;
    do {
      const now = performance.now();
      if (now - lookedAt >= QUIET_SLICE_MS) {
        lookedAt = now;
        this.afterQuietSlice();
        continue;
      }
      const remaining = deadline - now;
      if (remaining > 0) {
        futexWait(this.view, this.cell, this.expected, Math.min(remaining, lookedAt + QUIET_SLICE_MS - now));
        continue;
      }
      this.afterQuietSlice();
      if (this.attempt()) return;
      if (this.leave()) throw new TimeoutError(`${what} timed out after ${timeout} ms`);
    } while (!this.attempt());
  }

  /** The thread's quiet watch looks at this sleeping wait. @internal */
  checkQuiet(): void {
    if (this.controller !== null) this.afterQuietSlice();
  }

  /** The buffer of the cell this wait sleeps on. @internal */
  get quietBuffer(): ArrayBufferLike {
    return this.view.buffer;
  }

  /** The cell this wait sleeps on, within quietBuffer. @internal */
  get quietCell(): number {
    return this.view.byteOffset / Int32Array.BYTES_PER_ELEMENT + this.cell;
  }

  private async sleep(controller: AbortController): Promise<void> {
    this.controller = controller;
    this.sleeps = cellSleeps(this.view, this.cell);
    this.sleeps.live++;
    if (holderDeathVisible) asyncSleepers.add(this);
    const { signal } = controller;
    const timeout = this.options?.timeout;
    const deadline = timeout === undefined ? Number.POSITIVE_INFINITY : performance.now() + timeout;
    try {
      for (;;) {
        const remaining = timeout === undefined ? undefined : deadline - performance.now();
        const outcome =
          remaining === undefined || remaining > 0
            ? await futexWaitAsync(this.view, this.cell, this.expected, { timeout: remaining, signal })
            : 'timed-out';
        if (signal.aborted) return;
        if (this.attempt()) break;
        if (outcome !== 'timed-out') continue;
        this.afterQuietSlice();
        if (this.attempt()) break;
        if (this.leave()) {
          this.deliverError(new TimeoutError(`${this.describe()} timed out after ${timeout} ms`));
          return;
        }
      }
    } catch (error) {
      if (!signal.aborted) this.deliverError(error);
      return;
    }
    this.deliver();
  }

  /** Leaves the wait and lets go of its sleep; false when the wait completed meanwhile. */
  private abandon(): boolean {
    if (this.controller === null || !this.leave()) return false;
    this.controller.abort();
    this.controller = null;
    asyncSleepers.delete(this);
    this.options?.signal?.removeEventListener('abort', this);
    sleepAbandoned(this.view, this.cell, this.sleeps!);
    return true;
  }

  private deliver(): void {
    const outer = this.take();
    let value: T;
    try {
      value = this.result();
    } catch (error) {
      // The error came with the result (a lock whose owner died): give it back if refused.
      if (!outer.fail(error)) this.restore(undefined as T);
      return;
    }
    if (!outer.wake(value)) this.restore(value);
  }

  private deliverError(error: unknown): void {
    this.take().fail(error);
  }

  private take(): Waiter<T> {
    const outer = this.outer!;
    if (this.controller !== null) {
      asyncSleepers.delete(this);
      sleepEnded(this.view, this.cell, this.sleeps!);
    }
    this.outer = this.controller = null;
    this.options?.signal?.removeEventListener('abort', this);
    return outer;
  }
}

const ONCE = { once: true } as const;

function abortedError(signal: AbortSignal): Cancelled {
  return new Cancelled('The wait was aborted by its signal', { cause: signal.reason });
}
