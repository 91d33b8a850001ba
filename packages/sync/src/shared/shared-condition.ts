import { isMainThread } from 'node:worker_threads';
import {
  abortedError,
  BlockingCallError,
  type CancelCallback,
  type Cancelled,
  checkWaitOptions,
  futexWait,
  futexWaitAsync,
  futexWake,
  type LimitedWait,
  limitAlreadyFired,
  listenForLimits,
  NotHeldError,
  type Operation,
  OwnerDiedError,
  Relay,
  RelayingOperation,
  stopListening,
  TimeoutError,
  type UnparkResult,
  type Waiter,
  type WaitOptions,
} from '@spindle/core-context';
import { blockingTimeout } from '../wait-options.js';
import { withdrawnError } from '../withdrawn-error.js';
import { cellSleeps, sleepAbandoned, sleepEnded } from './abandoned-sleeps.js';
import { initializing, SharedCells, withoutReset } from './cells.js';
import type { SharedMutex } from './shared-mutex.js';

/**
 * A condition variable for a {@link SharedMutex}, in one Int32 cell (a sequence number
 * that each signal bumps). `wait` releases the mutex, sleeps until a signal, and takes the
 * mutex again before its outcome in every case: a wait withdrawn after it released the
 * mutex (a halted fiber, a timeout, an abort, a cancelled token) answers `'pending'` and
 * fails once the mutex is held again, so a halted fiber runs its `finally` blocks holding
 * it. Not selectable. Like any condition variable it may wake without a signal: wait in a
 * loop over your predicate.
 */
export class SharedCondition extends SharedCells {
  static readonly INT32_SLOTS = 1;

  constructor(view?: Int32Array, index = 0) {
    super(view, index, SharedCondition.INT32_SLOTS, 'SharedCondition');
    if (initializing() && view !== undefined) Atomics.store(this.view, index, 0);
  }

  /**
   * Opens the SharedCondition whose cells start at `index` of `view` without resetting them: how
   * a worker that was posted the buffer opens a live one (`new` would reset its state).
   */
  static attach(view: Int32Array, index = 0): SharedCondition {
    return withoutReset(() => new SharedCondition(view, index));
  }

  /**
   * Waits for a signal without blocking the thread; the caller must hold `mutex`. Options
   * `{ timeout, signal, token }` bound the wait; it takes the mutex back before it fails.
   */
  wait(mutex: SharedMutex, options?: WaitOptions): Operation<void> {
    checkWaitOptions(options, 'SharedCondition.wait');
    if (!mutex.locked)
      throw new NotHeldError('SharedCondition.wait(mutex) needs the mutex locked by the caller');
    return new SharedConditionWait(this, mutex, options);
  }

  /** Waits by blocking this worker thread (BlockingCallError on the main thread). */
  waitBlocking(mutex: SharedMutex, options?: { timeout?: number }): void {
    if (isMainThread) throw new BlockingCallError('SharedCondition.waitBlocking');
    const timeout = blockingTimeout(options, 'SharedCondition.waitBlocking');
    if (!mutex.locked)
      throw new NotHeldError('SharedCondition.waitBlocking(mutex) needs the mutex locked by the caller');
    const seen = Atomics.load(this.view, this.index);
    mutex.unlock();
    const outcome = futexWait(this.view, this.index, seen, timeout);
    mutex.lockBlocking();
    if (outcome === 'timed-out')
      throw new TimeoutError(`SharedCondition.waitBlocking timed out after ${timeout} ms`);
  }

  /** Wakes one waiter. */
  signal(): void {
    Atomics.add(this.view, this.index, 1);
    futexWake(this.view, this.index, 1);
  }

  /** Wakes every waiter. */
  broadcast(): void {
    Atomics.add(this.view, this.index, 1);
    futexWake(this.view, this.index);
  }
}

/**
 * The operation of `wait(mutex)`; each wait on it is a new wait (its own relay), not
 * selectable: withdrawing one takes the mutex back, which others see. It owns its limits
 * (rather than `bounded()`) so a timeout goes to the futex sleep itself: a wait given up by
 * a timer would leave an abandoned V8 waiter, whose passed-on wake reaches the next wait
 * as a spurious one.
 */
class SharedConditionWait extends RelayingOperation<void> {
  readonly selectable = false;

  constructor(
    /** @internal */ readonly condition: SharedCondition,
    /** @internal */ readonly mutex: SharedMutex,
    /** @internal */ readonly options: WaitOptions | undefined,
  ) {
    super();
  }

  /** A timeout ends the sleep by itself (taking the mutex back after it is not timed). */
  get timed(): boolean {
    return this.options?.timeout !== undefined;
  }

  /** What a waiting fiber waits on, for debugging listings. */
  override describe(): string {
    return 'SharedCondition.wait(mutex)';
  }

  protected relay(outer: Waiter<void>): ConditionSleep {
    return new ConditionSleep(this, outer);
  }

  /**
   * A waiter cancelled after it was handed the mutex passes its signal on. It keeps the
   * mutex: a condition wait ends holding it whatever its outcome, so the caller's `finally`
   * unlocks it.
   */
  restore(): void {
    this.condition.signal();
  }
}

/**
 * One condition wait: it releases the mutex, sleeps on the sequence, takes the mutex back,
 * then reports. A timeout, an abort or a cancelled token ends the sleep with that error,
 * reported once the mutex is held again. Withdrawn (unpark: a halted fiber), it stops
 * sleeping too: `unpark` answers 'pending' and the final outcome, the withdrawal's
 * Cancelled, comes with the mutex held. It is its own abort listener (`handleEvent`).
 */
class ConditionSleep extends Relay<void> implements LimitedWait {
  private readonly controller = new AbortController();
  /** A signal woke this wait: if the caller does not take it, it goes to another waiter. */
  private signalled = false;
  /** The failure the caller gets once the mutex is held again (a limit, a withdrawal). */
  private failure: unknown = null;
  private tokenListener: CancelCallback | null = null;

  constructor(
    private readonly wait: SharedConditionWait,
    private readonly waiter: Waiter<void>,
  ) {
    super(waiter);
  }

  begin(): void {
    const fired = limitAlreadyFired(this.wait.options);
    if (fired !== null) {
      // Given up before it started: the caller still holds the mutex.
      this.fail(fired);
      return;
    }
    this.tokenListener = listenForLimits(this, this.wait.options);
    this.run().then(
      (held) => this.finish(held, null),
      (error: unknown) => this.finish(false, error),
    );
  }

  /** Stops the sleep; the mutex is still taken back before the final outcome. */
  protected leave(): UnparkResult {
    this.stop(withdrawnError(this.waiter, 'SharedCondition.wait(mutex)'));
    return 'pending';
  }

  /** The caller's signal aborted (EventTarget calls `handleEvent` on listener objects). */
  handleEvent(): void {
    this.stop(abortedError(this.wait.options!.signal!));
  }

  /** The caller's token was cancelled. */
  giveUp(reason: Cancelled): void {
    this.stop(reason);
  }

  /** Ends the sleep with `failure` (the first one counts). */
  private stop(failure: unknown): void {
    if (this.failure !== null) return;
    this.failure = failure;
    this.controller.abort();
  }

  /** Sleeps, then takes the mutex back; resolves true once it is held. */
  private async run(): Promise<boolean> {
    const { condition, mutex, options } = this.wait;
    const { view, index } = condition;
    const seen = Atomics.load(view, index);
    mutex.unlock();
    const sleeps = cellSleeps(view, index);
    sleeps.live++;
    try {
      const timeout = options?.timeout;
      const outcome = await futexWaitAsync(view, index, seen, { timeout, signal: this.controller.signal });
      sleepEnded(view, index, sleeps);
      // 'not-equal': a signal landed between reading the sequence and sleeping; it is ours too.
      if (outcome === 'timed-out')
        this.failure ??= new TimeoutError(`The wait timed out after ${timeout} ms`);
      else this.signalled = true;
    } catch {
      // Only a stop aborts the sleep. V8 keeps the abandoned futex waiter until a wake,
      // which lets go of the abandoned ones once they outnumber the live ones; the others
      // wake as a condition may, spuriously.
      sleepAbandoned(view, index, sleeps);
    }
    try {
      await mutex.lock();
    } catch (error) {
      // OwnerDiedError comes with the mutex held: the caller gets it instead of the sleep's outcome.
      if (!(error instanceof OwnerDiedError)) throw error;
      this.failure = error;
    }
    return true;
  }

  /**
   * Hands the outcome over; a mutex taken for a caller that refused is released, and a
   * signal it did not take goes to another waiter.
   */
  private finish(held: boolean, error: unknown): void {
    const failure = held ? this.failure : error;
    const accepted = failure === null ? this.wake(undefined) : this.fail(failure);
    if (held && !accepted) this.wait.mutex.unlock();
    if (this.signalled && (!accepted || failure !== null)) this.wait.condition.signal();
  }

  protected override detached(): void {
    stopListening(this, this.wait.options, this.tokenListener);
    this.tokenListener = null;
  }
}
