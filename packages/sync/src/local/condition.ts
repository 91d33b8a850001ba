import {
  bounded,
  checkWaitOptions,
  InvalidStateError,
  List,
  NotHeldError,
  Operation,
  Relay,
  type UnparkResult,
  type Waitable,
  type Waiter,
  type WaitOptions,
} from '@spindle/core-context';
import { withdrawnError } from '../withdrawn-error.js';
import type { Mutex } from './mutex.js';
import { claimFirst } from './waiter-list.js';

/**
 * A condition variable used with a {@link Mutex}. `wait(mutex)` releases the mutex, waits
 * for `signal` or `broadcast`, and takes the mutex again before its outcome in every case,
 * so `try { yield* condition.wait(mutex) } finally { mutex.unlock() }` holds.
 *
 * A wait withdrawn after it released the mutex (a halted fiber, a timeout, an abort, a
 * cancelled token) takes the mutex back before it ends: `unpark` answers `'pending'` and
 * the one final outcome, a failure (the cancellation's Cancelled, or the limit's error for a
 * bounded wait), comes once the mutex is held again; when the mutex is free at that moment
 * it is taken at once and `unpark` answers true. So a halted fiber runs its `finally`
 * blocks holding the mutex, whichever way the wait was parked (`yield*`, a combinator).
 * Withdrawing changes the mutex for others, so a condition wait is not selectable.
 */
export class Condition {
  readonly #waiters = new List<Waiter<void>>();
  #current: ConditionWait | null = null;

  /** Number of waiters not yet signalled. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /**
   * Waits for a signal; the caller must hold `mutex`. All waiters at one time use the same
   * mutex. Options `{ timeout, signal, token }` bound the wait (it still takes the mutex back
   * before it fails). Without options the operation is cached per mutex and allocates nothing.
   */
  wait(mutex: Mutex, options?: WaitOptions): Operation<void> {
    checkWaitOptions(options, 'Condition.wait');
    requireHeld(mutex);
    let operation = this.#current;
    if (operation === null || operation.mutex !== mutex) {
      if (!this.#waiters.isEmpty) {
        throw new InvalidStateError(
          'Condition.wait(mutex) was given another mutex than the current waiters use',
        );
      }
      operation = this.#current = new ConditionWait(this, this.#waiters, mutex);
    }
    if (options?.timeout === undefined) return bounded(operation, options);
    return new TimedConditionWait(new ConditionWait(this, this.#waiters, mutex), options);
  }

  /** Wakes the longest waiter, which then takes the mutex again. */
  signal(): void {
    this.#moveFirstToMutex();
  }

  /** Wakes every waiter; they take the mutex one after another. */
  broadcast(): void {
    while (this.#moveFirstToMutex()) {}
  }

  /**
   * Moves the first waiter that accepts to the mutex's queue (or hands it the mutex when it
   * is free); false when none accepts. The claim only asks whether the waiter accepts
   * (rule 3: a signal is never spent on one that refuses); the mutex claims it again when it
   * hands the lock over.
   */
  #moveFirstToMutex(): boolean {
    const waiter = claimFirst(this.#waiters);
    if (waiter === null) return false;
    waiter.release();
    this.#current!.lock.park(waiter);
    return true;
  }
}

/**
 * The wait on one (condition, mutex) pair, cached so a repeated wait allocates nothing. Its
 * waiter is first in the condition's list, then (signalled) in the mutex's queue, and is
 * handed the mutex there. A withdrawn waiter that cannot take the mutex back at once waits
 * for it through a Relock (below).
 */
class ConditionWait extends Operation<void> {
  /** Withdrawing takes the mutex back, and a signalled waiter's signal goes to another. */
  readonly selectable = false;
  /** The mutex's lock operation, on which a signalled waiter waits. */
  readonly lock: Operation<void>;
  /** Withdrawn waiters waiting to hold the mutex again, made on the first such withdrawal. */
  #relocks: Map<Waiter<void>, Relock> | null = null;
  /**
   * Waits parked here and not yet withdrawn (a timed wait's timer has not fired). Read only
   * by a TimedConditionWait; a waiter handed the mutex after a signal is not counted out,
   * so the count errs towards "a timer can still end a wait of this operation".
   */
  #armed = 0;

  constructor(
    private readonly condition: Condition,
    private readonly waiters: List<Waiter<void>>,
    readonly mutex: Mutex,
  ) {
    super();
    this.lock = mutex.lock();
  }

  /** What a waiting fiber waits on, for debugging listings. */
  describe(): string {
    return 'Condition.wait(mutex)';
  }

  /** Checks the mutex is held before linking: a wait that cannot start must leave no waiter behind. */
  park(waiter: Waiter<void>): void {
    requireHeld(this.mutex);
    this.waiters.pushBack(waiter);
    this.#armed++;
    this.mutex.unlock();
  }

  /** True when every wait of this operation that is still parked only waits to take the mutex back. */
  get onlyRelocking(): boolean {
    return this.#armed === 0 && this.#relocks !== null && this.#relocks.size > 0;
  }

  /**
   * Withdraws the waiter and takes the mutex back for it: true when the mutex was free and
   * is held again now, `'pending'` when the waiter waits for it (its final outcome, a
   * failure, comes with the mutex), false when it was already handed the mutex.
   */
  unpark(waiter: Waiter<void>): UnparkResult {
    if (this.#relocks?.has(waiter)) return 'pending';
    if (!this.waiters.remove(waiter)) {
      if (this.lock.unpark(waiter) !== true) return false;
      // It was signalled but leaves before taking the mutex: the signal goes to another waiter.
      this.condition.signal();
    }
    this.#armed--;
    if (this.mutex.tryLock()) return true;
    const relock = new Relock(waiter, this, withdrawnError(waiter, 'Condition.wait(mutex)'));
    (this.#relocks ??= new Map()).set(waiter, relock);
    relock.begin();
    return 'pending';
  }

  /**
   * A waiter cancelled after it was handed the mutex passes its signal on. It keeps the
   * mutex: a condition wait ends holding it whatever its outcome, so the caller's `finally`
   * (a halted fiber's cleanup) unlocks it.
   */
  restore(): void {
    this.condition.signal();
  }

  /** @internal a Relock ended */
  relocked(waiter: Waiter<void>): void {
    this.#relocks?.delete(waiter);
  }
}

/**
 * A condition wait with a timeout (its own ConditionWait, bounded). Its timer ends it, so a
 * fiber parked on it is not stuck, until the timer has fired and the wait only takes the
 * mutex back: then only the mutex's holder can end it, and listings of stuck fibers say so.
 */
class TimedConditionWait extends Operation<void> {
  readonly selectable = false;
  readonly #wait: ConditionWait;
  readonly #bounded: Waitable<void>;

  constructor(wait: ConditionWait, options: WaitOptions) {
    super();
    this.#wait = wait;
    this.#bounded = bounded(wait, options);
  }

  get timed(): boolean {
    return !this.#wait.onlyRelocking;
  }

  /** What a waiting fiber waits on, for debugging listings. */
  describe(): string {
    if (this.#wait.onlyRelocking) return 'Condition.wait(mutex): taking the mutex back';
    return this.#bounded.describe!();
  }

  park(waiter: Waiter<void>): void {
    this.#bounded.park(waiter);
  }

  unpark(waiter: Waiter<void>): UnparkResult {
    return this.#bounded.unpark(waiter);
  }

  /** A waiter cancelled after it was handed the mutex passes its signal on (ConditionWait.restore). */
  restore(): void {
    this.#wait.restore();
  }
}

/**
 * A withdrawn condition wait taking the mutex back: it queues for the mutex for the caller
 * and, once handed the mutex, ends the caller's wait with `error` (the caller holds the
 * mutex then). It cannot be withdrawn: the mutex must come back first.
 */
class Relock extends Relay<void> {
  constructor(
    private readonly waiter: Waiter<void>,
    private readonly wait: ConditionWait,
    private readonly error: unknown,
  ) {
    super(waiter);
  }

  begin(): void {
    this.wait.lock.park(this);
  }

  protected leave(): UnparkResult {
    return 'pending';
  }

  /** Handed the mutex: the caller's final outcome is the withdrawal's failure. */
  override settle(ok: boolean, outcome: unknown): void {
    super.settle(false, ok ? this.error : outcome);
  }

  override wake(): boolean {
    return super.fail(this.error);
  }

  protected override detached(): void {
    this.wait.relocked(this.waiter);
  }
}

function requireHeld(mutex: Mutex): void {
  if (!mutex.locked) throw new NotHeldError('Condition.wait(mutex) needs the mutex locked by the caller');
}
