import {
  bounded,
  checkWaitOptions,
  InvalidStateError,
  List,
  NotHeldError,
  Operation,
  type Waitable,
  type Waiter,
  type WaitOptions,
} from '@spindle/core-context';
import { type RelockingWait, relockOnHalt } from '../relock-on-halt.js';
import type { Mutex } from './mutex.js';
import { Relay } from './relay.js';

/**
 * A condition variable used with a {@link Mutex}. `wait(mutex)` releases the mutex, waits
 * for `signal` or `broadcast`, and takes the mutex again before it returns in every case,
 * so `try { yield* condition.wait(mutex) } finally { mutex.unlock() }` holds: after a
 * timeout or an abort it throws with the mutex held, and a fiber halted in the wait
 * waits for the mutex before its `finally` blocks run (the wait then throws Cancelled,
 * see RelockingWait).
 */
export class Condition {
  /** @internal */ readonly waiters = new List<Waiter<void>>();
  private current: ConditionWait | null = null;

  /** Number of waiters not yet signalled. */
  get waiting(): number {
    return this.waiters.size;
  }

  /**
   * Waits for a signal; the caller must hold `mutex`. All waiters at one time use the same
   * mutex. Without options the operation is cached per mutex and allocates nothing.
   */
  wait(mutex: Mutex, options?: WaitOptions): Operation<void> {
    checkWaitOptions(options, 'Condition.wait');
    if (!mutex.locked) throw new NotHeldError('Condition.wait(mutex) needs the mutex locked by the caller');
    let operation = this.current;
    if (operation === null || operation.mutex !== mutex) {
      if (!this.waiters.isEmpty) {
        throw new InvalidStateError(
          'Condition.wait(mutex) was given another mutex than the current waiters use',
        );
      }
      operation = this.current = new ConditionWait(this, mutex);
    }
    return options === undefined ? operation : new ReacquireOnError(bounded(operation, options), this, mutex);
  }

  /** Wakes the longest waiter, which then takes the mutex again. */
  signal(): void {
    const waiter = this.waiters.popFront();
    if (waiter !== null) this.moveToMutex(waiter);
  }

  /** Wakes every waiter; they take the mutex one after another. */
  broadcast(): void {
    for (let waiter = this.waiters.popFront(); waiter !== null; waiter = this.waiters.popFront()) {
      this.moveToMutex(waiter);
    }
  }

  private moveToMutex(waiter: Waiter<void>): void {
    // A waiter that refused the mutex was cancelled: the signal goes to the next one.
    if (!this.current!.mutex.acquireFor(waiter)) this.signal();
  }
}

/**
 * The wait on one (condition, mutex) pair, cached so a repeated wait allocates nothing.
 * Its waiter is first in the condition's list, then (signalled) in the mutex's list.
 */
class ConditionWait extends Operation<void> implements RelockingWait {
  get primitive(): string {
    return 'Condition';
  }

  constructor(
    private readonly condition: Condition,
    readonly mutex: Mutex,
  ) {
    super();
  }

  /** What a waiting fiber waits on, for debugging listings. */
  describe(): string {
    return 'Condition.wait(mutex)';
  }

  park(waiter: Waiter<void>): void {
    this.condition.waiters.pushBack(waiter);
    this.mutex.unlock();
  }

  unpark(waiter: Waiter<void>): boolean {
    if (this.condition.waiters.remove(waiter)) return true;
    if (!this.mutex.waiters.remove(waiter)) return false;
    // It was signalled but leaves before taking the mutex: pass the signal on.
    this.condition.signal();
    return true;
  }

  /** A halted waiter was handed the mutex: it gives it back and passes its signal on. */
  restore(): void {
    this.condition.signal();
    this.mutex.unlock();
  }

  /** A halted waiter never holds the mutex: a lock handed to it went back through `restore`. */
  relockAfterHalt(): Operation<void> {
    return this.mutex.lock();
  }

  override [Symbol.iterator](): Iterator<Operation<void>, void, void> {
    return relockOnHalt(this);
  }
}

/** Ends a bounded condition wait that failed by taking the mutex back first, then failing. */
class ReacquireOnError extends Relay<void> implements RelockingWait {
  get primitive(): string {
    return 'Condition';
  }

  private error: unknown = null;
  private reacquiring = false;
  /** The caller accepted the failure, so it holds the mutex. */
  private failedHolding = false;

  constructor(
    private readonly inner: Waitable<void>,
    private readonly condition: Condition,
    private readonly mutex: Mutex,
  ) {
    super();
  }

  /** What a waiting fiber waits on, for debugging listings. */
  describe(): string {
    return this.reacquiring
      ? 'Condition.wait(mutex): taking the mutex back'
      : 'Condition.wait(mutex, options)';
  }

  /** A timer ends the wait until it fails; taking the mutex back after that is not timed. */
  get timed(): boolean {
    return !this.reacquiring && this.inner.timed === true;
  }

  protected enter(): void {
    this.inner.park(this);
  }

  protected leave(): boolean {
    return this.reacquiring ? this.mutex.waiters.remove(this) : this.inner.unpark(this) === true;
  }

  /** Only a woken waiter (it consumed a signal) is restored; a failed one keeps the mutex. */
  restore(): void {
    this.condition.signal();
    this.mutex.unlock();
  }

  relockAfterHalt(): Operation<void> | null {
    return this.failedHolding ? null : this.mutex.lock();
  }

  override [Symbol.iterator](): Iterator<Operation<void>, void, void> {
    return relockOnHalt(this);
  }

  /** The mutex came back: a signalled wait ends, a failed one fails now. */
  override wake(): boolean {
    if (!this.reacquiring) return super.wake(undefined);
    this.failedHolding = super.fail(this.error);
    return this.failedHolding;
  }

  /** The wait timed out or was aborted: take the mutex back before failing. */
  override fail(error: unknown): boolean {
    if (!this.pending) return false;
    this.error = error;
    this.reacquiring = true;
    this.mutex.acquireFor(this);
    return true;
  }
}
