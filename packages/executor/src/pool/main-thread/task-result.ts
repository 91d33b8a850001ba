import {
  type Cancelled,
  InvalidStateError,
  type Operation,
  SharedOutcome,
  type UnparkResult,
  type Waiter,
} from '@spindle/core-context';
import {
  ALREADY_ENDED,
  type EndHold,
  finish,
  keep,
  releaseNotHalted,
  TaskEnd,
  withdrawFromEnd,
} from './task-end.js';

let settleResult: (result: TaskResult<unknown>, ok: boolean, outcome: unknown) => boolean;
let endResult: (result: TaskResult<unknown>) => void;
let hasEndedResult: (result: TaskResult<unknown>) => boolean;
let keepHalted: (result: TaskResult<unknown>) => void;
/** The result being settled: SharedOutcome's settleOutcome is reachable from JavaScript. */
let settling: TaskResult<unknown> | null = null;

/**
 * The result of one pool call: an Operation, so async code `await`s it (or uses `then`,
 * `catch` and `finally` as on a Promise) and a fiber `yield*`s it. It settles once; every
 * waiter, before or after, gets that same outcome (a SharedOutcome). Only the pool settles
 * it (through `settle` below, which this module keeps to the pool): its surface is
 * Operation's, plus `ended` and SharedOutcome's read-only `settled` and `selectable`.
 *
 * A cancelled task's result rejects with `Cancelled` at the cancel, so a task that ignores
 * its cancellation never holds its caller; `ended` says when the worker really let go.
 *
 * Halted waiters: a waiter whose `token` was live when it parked and is cancelled now was
 * halted while it waited. Such a waiter never sees the result's outcome before the task has
 * ended (it may reuse what the task was given as soon as it resumes):
 * - the last-waiter rule: when a halted waiter is withdrawn and no other waiter remains,
 *   nobody wants the task any more, so it is cancelled, and the withdrawal answers
 *   `'pending'`: the waiter gets the result's outcome (the Cancelled) once the task ended;
 * - when the task is cancelled by its call while a worker runs it, the waiters that wait
 *   under a token are held back until the cancellation has gone through the token tree
 *   (a microtask: a waiter's token may be a grandchild of the call's, cancelled later in
 *   the same cancel); then those halted stay until the task ended (their withdrawal answers
 *   `'pending'`) and the others get the Cancelled.
 * Any other withdrawal (a select's losing case, a timed-out wait, or a wait that began
 * under a token cancelled already, such as cleanup code's) leaves the task running: no trace.
 */
export class TaskResult<T> extends SharedOutcome<T> {
  /** The task's end, made on first need; ALREADY_ENDED when it ended before anyone asked. */
  #end: TaskEnd | null = null;
  /** Parked waiters whose token was live when they parked (made when the first such parks). */
  #underLiveToken: Set<Waiter<T>> | null = null;

  static {
    settleResult = (result, ok, outcome) => {
      const outer = settling;
      settling = result;
      try {
        return result.settleOutcome(ok, outcome);
      } finally {
        settling = outer;
      }
    };
    endResult = (result) => {
      const end = result.#end;
      if (end === null) result.#end = ALREADY_ENDED;
      else finish(end, result);
    };
    hasEndedResult = (result) => result.#end !== null && result.#end.settled;
    keepHalted = (result) => result.#keepHalted();
  }

  /** The public name, not that of the pool's internal subclass. */
  override get [Symbol.toStringTag](): string {
    return 'TaskResult';
  }

  /**
   * Completes once the worker no longer runs the task: it finished, failed, returned after a
   * cancel, never started (cancelled while queued), or its worker died and the crash was
   * handled. Await it after a cancel before reusing what the task was given (a shared buffer).
   */
  get ended(): Operation<void> {
    return this.#endOf();
  }

  /** @internal Only the pool settles a task's result. */
  protected override settleOutcome(ok: boolean, outcome: unknown): boolean {
    if (settling !== this) throw new InvalidStateError('only the pool settles a TaskResult');
    this.#underLiveToken = null; // every parked waiter gets the outcome now
    return super.settleOutcome(ok, outcome);
  }

  override unpark(waiter: Waiter<T>): UnparkResult {
    const end = this.#end;
    if (end !== null) {
      const kept = withdrawFromEnd(end, waiter);
      if (kept !== null) return kept;
    }
    return super.unpark(waiter);
  }

  /** @internal */
  protected override parked(waiter: Waiter<T>): void {
    const token = waiter.token;
    if (token !== undefined && !token.cancelled) (this.#underLiveToken ??= new Set()).add(waiter);
  }

  /** @internal */
  protected override withdrawn(waiter: Waiter<T>): UnparkResult {
    // Settled: it was taken out before its turn in the delivery, no trace.
    if (this.settled || !this.#wasHalted(waiter) || this.waiterCount > 0) return true;
    if (!this.abandoned(waiter.token!.reason!)) return true;
    keep(this.#endOf(), waiter, true);
    return 'pending';
  }

  /** Whether `waiter` (withdrawn now) parked under a live token that is cancelled now. */
  #wasHalted(waiter: Waiter<T>): boolean {
    const watched = this.#underLiveToken;
    return watched !== null && watched.delete(waiter) && waiter.token!.cancelled;
  }

  /**
   * Holds back the waiters under a live token from the outcome about to be settled; a
   * microtask later, once the cancellation went through the token tree, those not halted
   * get it, and the halted ones wait for the task's end.
   */
  #keepHalted(): void {
    const watched = this.#underLiveToken;
    if (watched === null || watched.size === 0) return;
    this.#underLiveToken = null;
    const end = this.#endOf();
    for (const waiter of watched) if (super.unpark(waiter) === true) keep(end, waiter, false);
    queueMicrotask(() => releaseNotHalted(end, this));
  }

  #endOf(): TaskEnd {
    return (this.#end ??= new TaskEnd(this.endHold()));
  }

  /** @internal What holds the process open while someone waits for the end (none: nothing to wait for). */
  protected endHold(): EndHold | null {
    return null;
  }

  /**
   * @internal Nobody waits for the task any more: cancel it with `reason`. True when it is
   * still running (its end comes later), false when it ended now or had nothing to run.
   */
  protected abandoned(_reason: Cancelled): boolean {
    return false;
  }
}

/** Settles `result` with a value (`ok`) or an error; false when it was settled already. */
export function settle(result: TaskResult<unknown>, ok: boolean, outcome: unknown): boolean {
  return settleResult(result, ok, outcome);
}

/**
 * Call before a task a worker still runs is settled by a cancel: its waiters under a live
 * token are held back, and those halted by then get its outcome only at its end (see TaskResult).
 */
export function keepHaltedWaiters(result: TaskResult<unknown>): void {
  keepHalted(result);
}

/**
 * Marks that the worker no longer runs the task (call it after the result settled): `ended`
 * completes and every kept waiter gets the result's outcome. A second call does nothing.
 */
export function markEnded(result: TaskResult<unknown>): void {
  endResult(result);
}

/** Whether `markEnded` was called for `result`. */
export function hasEnded(result: TaskResult<unknown>): boolean {
  return hasEndedResult(result);
}
