import { isMainThread } from 'node:worker_threads';
import {
  BlockingCallError,
  checkWaitOptions,
  futexWait,
  futexWaitAsync,
  futexWake,
  NotHeldError,
  Operation,
  OwnerDiedError,
  TimeoutError,
  type Waiter,
  type WaitOptions,
} from '@spindle/core-context';
import { type RelockingWait, relockOnHalt } from '../relock-on-halt.js';
import { blockingTimeout } from '../wait-options.js';
import { cellSleeps, sleepAbandoned, sleepEnded } from './abandoned-sleeps.js';
import { initializing, SharedCells, withoutReset } from './cells.js';
import type { SharedMutex } from './shared-mutex.js';

/**
 * A condition variable for a {@link SharedMutex}, in one Int32 cell (a sequence number
 * that each signal bumps). `wait` releases the mutex, sleeps until a signal, and takes the
 * mutex again before it returns in every case: after a timeout or an abort it throws with
 * the mutex held, and a fiber halted in the wait waits for the mutex before its `finally`
 * blocks run (the wait then throws Cancelled, see RelockingWait). Like any condition
 * variable it may wake without a signal: wait in a loop over your predicate.
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

  /** Waits for a signal without blocking the thread; the caller must hold `mutex`. */
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

/** One condition wait: sleep on the sequence, then take the mutex back, then report. */
class SharedConditionWait extends Operation<void> implements RelockingWait {
  get primitive(): string {
    return 'SharedCondition';
  }

  private outer: Waiter<void> | null = null;
  /** The caller accepted a failure that came with the mutex held. */
  private failedHolding = false;
  /** A signal woke this wait: if the caller leaves without it, it goes to another waiter. */
  private signalled = false;
  /** The sleep is over and the wait takes the mutex back. */
  private retaking = false;
  private readonly controller = new AbortController();

  constructor(
    private readonly condition: SharedCondition,
    private readonly mutex: SharedMutex,
    private readonly options: WaitOptions | undefined,
  ) {
    super();
  }

  park(waiter: Waiter<void>): void {
    this.outer = waiter;
    this.run().then(
      () => this.finish(null),
      (error: unknown) => this.finish(error),
    );
  }

  /** A halted fiber leaves at once; its `yield*` step then takes the mutex back (relockAfterHalt). */
  unpark(waiter: Waiter<void>): boolean {
    if (this.outer !== waiter) return false;
    this.outer = null;
    this.controller.abort();
    return true;
  }

  /** A halted waiter was handed the mutex: it gives it back and passes its signal on. */
  restore(): void {
    this.mutex.unlock();
    this.condition.signal();
  }

  relockAfterHalt(): Operation<void> | null {
    return this.failedHolding ? null : this.mutex.lock();
  }

  override [Symbol.iterator](): Iterator<Operation<void>, void, void> {
    return relockOnHalt(this);
  }

  /** What a waiting fiber waits on, for debugging listings. */
  describe(): string {
    return this.retaking
      ? 'SharedCondition.wait(mutex): taking the mutex back'
      : 'SharedCondition.wait(mutex)';
  }

  /** A timeout ends the sleep by itself; taking the mutex back after it is not timed. */
  get timed(): boolean {
    return !this.retaking && this.options?.timeout !== undefined;
  }

  /** Sleeps, then takes the mutex back; settles with the sleep's failure once the mutex is held. */
  private async run(): Promise<void> {
    const { view, index } = this.condition;
    const seen = Atomics.load(view, index);
    this.mutex.unlock();
    const halt = this.controller.signal;
    const userSignal = this.options?.signal;
    let failure: unknown = null;
    const sleeps = cellSleeps(view, index);
    sleeps.live++;
    try {
      const outcome = await futexWaitAsync(view, index, seen, {
        timeout: this.options?.timeout,
        signal: userSignal === undefined ? halt : AbortSignal.any([userSignal, halt]),
      });
      sleepEnded(view, index, sleeps);
      // 'not-equal': a signal landed between reading the sequence and sleeping; it is ours too.
      this.signalled = outcome !== 'timed-out';
      if (outcome === 'timed-out')
        failure = new TimeoutError(`The wait timed out after ${this.options?.timeout} ms`);
    } catch (error) {
      // Only an abort rejects the sleep. V8 keeps the abandoned futex waiter until a wake,
      // which lets go of the abandoned ones once they outnumber the live ones; the others
      // wake as a condition may, spuriously.
      sleepAbandoned(view, index, sleeps);
      if (halt.aborted) throw error;
      failure = error;
    }
    this.retaking = true;
    try {
      await this.mutex.lock({ signal: halt });
    } catch (error) {
      // OwnerDiedError comes with the mutex held: the caller gets it instead of the sleep's outcome.
      if (error instanceof OwnerDiedError) throw new HeldFailure(error);
      throw error;
    }
    if (failure !== null) throw new HeldFailure(failure);
  }

  /** Hands the outcome over; a mutex taken for a waiter that left or refused is released. */
  private finish(error: unknown): void {
    const outer = this.outer;
    this.outer = null;
    const held = error === null || error instanceof HeldFailure;
    let accepted = false;
    if (outer !== null) {
      accepted =
        error === null
          ? outer.wake(undefined)
          : outer.fail(error instanceof HeldFailure ? error.cause : error);
    }
    this.failedHolding = accepted && error instanceof HeldFailure;
    if (held && !accepted) this.mutex.unlock();
    if (!accepted && this.signalled) this.condition.signal();
  }
}

/** A failure (timeout, abort) that ended the wait after the mutex was taken back. */
class HeldFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('condition wait failed with the mutex held');
  }
}
