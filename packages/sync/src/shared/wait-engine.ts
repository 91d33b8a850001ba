import { isMainThread } from 'node:worker_threads';
import {
  abortedError,
  BlockingCallError,
  type CancelCallback,
  futexWait,
  futexWaitAsync,
  type LimitedWait,
  limitAlreadyFired,
  listenForLimits,
  Relay,
  RelayingOperation,
  stopListening,
  TimeoutError,
  type UnparkResult,
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
const asyncSleepers = new QuietWatch<CellSleep<any>>(QUIET_SLICE_MS);

/**
 * What one wait on a shared primitive tries, with that wait's own registrations (a writer
 * counted as waiting, a barrier arrival): a fresh one per wait. `attempt` says whether the
 * wait can complete now, else sets `expected`, the cell value to sleep on.
 */
export abstract class CellAttempt<T> {
  expected = 0;
  /** Tries to complete; false sets `expected`. May throw a typed error (a broken barrier). */
  abstract attempt(): boolean;
  /**
   * The result once `attempt` returned true. It may throw a typed error that comes with
   * the result (OwnerDiedError comes with the lock held): a caller that cannot take it
   * any more gets the result restored.
   */
  abstract result(): T;
  /** Undoes what earlier attempts registered; false when the wait completed meanwhile and cannot leave. */
  leave(): boolean {
    return true;
  }
  /**
   * Called while the wait sleeps, about every QUIET_SLICE_MS, and once more before it
   * times out: the place to notice a dead thread. What it changes in the cells it must
   * wake the cell for.
   */
  afterQuietSlice(): void {}
}

/**
 * A wait on a shared primitive, in both forms: an Operation (fibers and async code, parking
 * on `futexWaitAsync`, never blocking the thread) and `block()` (workers only, on
 * `futexWait`). A subclass makes the attempt of each wait (`newAttempt`) and says how to
 * give back a result a cancelled caller accepted (`restore`). Each wait on the operation
 * is a new wait (its own relay and attempt), so two callers may wait on one at once.
 *
 * The wait owns its timeout, signal and token (checked by the caller) and hands the
 * timeout to the futex sleep itself, so a timed-out wait leaves no V8 waiter behind. V8
 * cannot withdraw an async waiter, so the abandoned waiters of aborted or halted waits are
 * let go by a wake of the whole cell once they outnumber the thread's live ones (see
 * abandoned-sleeps.ts); the live ones look again and sleep on (every wait here re-checks
 * after a wake).
 */
export abstract class SharedWait<T> extends RelayingOperation<T> {
  /** @internal */ readonly view: Int32Array;
  /** @internal */ readonly cell: number;
  /** @internal */ readonly options: WaitOptions | undefined;

  protected constructor(view: Int32Array, cell: number, options: WaitOptions | undefined) {
    super();
    this.view = view;
    this.cell = cell;
    this.options = options;
  }

  /** A wait with a timeout ends by itself. */
  get timed(): boolean {
    return this.options?.timeout !== undefined;
  }

  /** What a waiting fiber waits on, for debugging listings (`"SharedMutex.lock()"`). */
  abstract override describe(): string;
  /** The attempt of one new wait. */
  protected abstract newAttempt(): CellAttempt<T>;
  /** Gives back a result a cancelled waiter accepted (a lock is unlocked again). */
  restore(_value: T): void {}

  protected relay(outer: Waiter<T>): CellSleep<T> {
    return new CellSleep(this, this.newAttempt(), outer);
  }

  /**
   * Waits by blocking this worker thread; throws BlockingCallError on the main thread.
   * Looks for dead threads every QUIET_SLICE_MS of waiting, however often it is woken,
   * and once more before it times out.
   */
  block(what: string, timeout?: number): T {
    if (isMainThread) throw new BlockingCallError(what);
    const attempt = this.newAttempt();
    // The first attempt reads no clock: an uncontended lock must stay one compare-exchange.
    if (!attempt.attempt()) this.blockUntilDone(attempt, what, timeout);
    return attempt.result();
  }

  /** The rest of `block` once a first attempt failed: sleeps, looks for dead threads, times out. */
  private blockUntilDone(attempt: CellAttempt<T>, what: string, timeout: number | undefined): void {
    let lookedAt = performance.now();
    const deadline = timeout === undefined ? Number.POSITIVE_INFINITY : lookedAt + timeout;
    do {
      const now = performance.now();
      if (now - lookedAt >= QUIET_SLICE_MS) {
        lookedAt = now;
        attempt.afterQuietSlice();
        continue;
      }
      const remaining = deadline - now;
      if (remaining > 0) {
        futexWait(
          this.view,
          this.cell,
          attempt.expected,
          Math.min(remaining, lookedAt + QUIET_SLICE_MS - now),
        );
        continue;
      }
      attempt.afterQuietSlice();
      if (attempt.attempt()) return;
      if (attempt.leave()) throw new TimeoutError(`${what} timed out after ${timeout} ms`);
    } while (!attempt.attempt());
  }
}

/**
 * One async wait on a shared primitive, relayed to the caller's waiter (claims pass
 * through, so a refused result is restored). It is its own abort listener (`handleEvent`)
 * and, with a token, listens through a CancelCallback (core-context's wait-limits).
 */
class CellSleep<T> extends Relay<T> implements LimitedWait {
  private controller: AbortController | null = null;
  private sleeps: CellSleeps | null = null;
  private tokenListener: CancelCallback | null = null;

  constructor(
    private readonly wait: SharedWait<T>,
    private readonly attempt: CellAttempt<T>,
    outer: Waiter<T>,
  ) {
    super(outer);
  }

  begin(): void {
    const fired = limitAlreadyFired(this.wait.options);
    if (fired !== null) {
      this.fail(fired);
      return;
    }
    try {
      if (this.attempt.attempt()) {
        this.deliver();
        return;
      }
    } catch (error) {
      this.fail(error);
      return;
    }
    this.tokenListener = listenForLimits(this, this.wait.options);
    this.sleep(new AbortController());
  }

  protected leave(): UnparkResult {
    return this.abandon();
  }

  /** The caller's signal aborted (EventTarget calls `handleEvent` on listener objects). */
  handleEvent(): void {
    this.giveUp(abortedError(this.wait.options!.signal!));
  }

  /** @internal the wait ends with `error` unless it completed meanwhile (abort, token) */
  giveUp(error: unknown): void {
    if (this.waiting && this.abandon()) this.fail(error);
  }

  /** The thread's quiet watch looks at this sleeping wait. @internal */
  checkQuiet(): void {
    if (this.controller !== null) this.attempt.afterQuietSlice();
  }

  /** The buffer of the cell this wait sleeps on. @internal */
  get quietBuffer(): ArrayBufferLike {
    return this.wait.view.buffer;
  }

  /** The cell this wait sleeps on, within quietBuffer. @internal */
  get quietCell(): number {
    return this.wait.view.byteOffset / Int32Array.BYTES_PER_ELEMENT + this.wait.cell;
  }

  private async sleep(controller: AbortController): Promise<void> {
    const { view, cell } = this.wait;
    this.controller = controller;
    this.sleeps = cellSleeps(view, cell);
    this.sleeps.live++;
    if (holderDeathVisible) asyncSleepers.add(this);
    const { signal } = controller;
    const timeout = this.wait.options?.timeout;
    const deadline = timeout === undefined ? Number.POSITIVE_INFINITY : performance.now() + timeout;
    const attempt = this.attempt;
    try {
      for (;;) {
        const remaining = timeout === undefined ? undefined : deadline - performance.now();
        const outcome =
          remaining === undefined || remaining > 0
            ? await futexWaitAsync(view, cell, attempt.expected, { timeout: remaining, signal })
            : 'timed-out';
        if (signal.aborted) return;
        if (attempt.attempt()) break;
        if (outcome !== 'timed-out') continue;
        attempt.afterQuietSlice();
        if (attempt.attempt()) break;
        if (attempt.leave()) {
          this.fail(new TimeoutError(`${this.wait.describe()} timed out after ${timeout} ms`));
          return;
        }
      }
    } catch (error) {
      if (!signal.aborted) this.fail(error);
      return;
    }
    this.deliver();
  }

  /** Leaves the wait and lets go of its sleep; false when the wait completed meanwhile. */
  private abandon(): boolean {
    const controller = this.controller;
    if (controller === null || !this.attempt.leave()) return false;
    this.controller = null;
    controller.abort();
    asyncSleepers.delete(this);
    sleepAbandoned(this.wait.view, this.wait.cell, this.sleeps!);
    return true;
  }

  /** Hands the result over; a caller that refuses it gets it restored (rule 3). */
  private deliver(): void {
    let value: T;
    try {
      value = this.attempt.result();
    } catch (error) {
      // The error came with the result (a lock whose owner died): give it back if refused.
      if (!this.fail(error)) this.wait.restore(undefined as T);
      return;
    }
    if (!this.wake(value)) this.wait.restore(value);
  }

  /** The wait ended, whichever way: a live sleep is counted out, listeners are removed. */
  protected override detached(): void {
    if (this.controller !== null) {
      asyncSleepers.delete(this);
      sleepEnded(this.wait.view, this.wait.cell, this.sleeps!);
      this.controller = null;
    }
    stopListening(this, this.wait.options, this.tokenListener);
    this.tokenListener = null;
  }
}
