import {
  type Cancelled,
  InvalidStateError,
  type Operation,
  SharedOutcome,
  type UnparkResult,
  type Waiter,
} from '@spindle/core-context';
import { TaskEnd } from './task-end.js';

let settleResult: (result: TaskResult<unknown>, ok: boolean, outcome: unknown) => boolean;
let endResult: (result: TaskResult<unknown>) => void;
let hasEndedResult: (result: TaskResult<unknown>) => boolean;
/** True only inside `settle` below: SharedOutcome's settleOutcome is reachable from JavaScript. */
let settling = false;

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
 * The last-waiter rule: when a waiter whose `token` is cancelled (a halted fiber) is
 * withdrawn and no other waiter remains, nobody wants the task any more, so it is cancelled,
 * and that waiter's withdrawal answers `'pending'`: it gets the result's outcome (the
 * Cancelled) once the task has ended. A withdrawal under a live token (a select's losing
 * case, one wait's timeout) leaves the task running: no trace.
 */
export class TaskResult<T> extends SharedOutcome<T> {
  /** The task's end, made on first need; ALREADY_ENDED when it ended before anyone asked. */
  #end: TaskEnd | null = null;

  static {
    settleResult = (result, ok, outcome) => {
      settling = true;
      try {
        return result.settleOutcome(ok, outcome);
      } finally {
        settling = false;
      }
    };
    endResult = (result) => {
      const end = result.#end;
      if (end === null) result.#end = TaskEnd.ALREADY_ENDED;
      else end.finish(result);
    };
    hasEndedResult = (result) => result.#end !== null && result.#end.settled;
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
    if (!settling) throw new InvalidStateError('only the pool settles a TaskResult');
    return super.settleOutcome(ok, outcome);
  }

  override unpark(waiter: Waiter<T>): UnparkResult {
    // A waiter that lingers for the task's end (it was told 'pending') may be let go early.
    const end = this.#end;
    if (end !== null && end.lingering === waiter) {
      end.lingering = null;
      return true;
    }
    return super.unpark(waiter);
  }

  protected override withdrawn(waiter: Waiter<T>): UnparkResult {
    const token = waiter.token;
    if (token === undefined || !token.cancelled || this.waiterCount > 0) return true;
    if (!this.abandoned(token.reason!)) return true;
    this.#endOf().lingering = waiter;
    return 'pending';
  }

  #endOf(): TaskEnd {
    return (this.#end ??= new TaskEnd());
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

/** Whether `result` has settled. */
export function isSettled(result: TaskResult<unknown>): boolean {
  return result.settled;
}

/**
 * Marks that the worker no longer runs the task (call it after the result settled): `ended`
 * completes and a lingering waiter gets the result's outcome. A second call does nothing.
 */
export function markEnded(result: TaskResult<unknown>): void {
  endResult(result);
}

/** Whether `markEnded` was called for `result`. */
export function hasEnded(result: TaskResult<unknown>): boolean {
  return hasEndedResult(result);
}
