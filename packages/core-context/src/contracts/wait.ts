import type { DoublyLinked } from '../intrusive/links.js';
import type { CancelToken } from './cancel.js';

/**
 * The wait protocol: how anything that may wait (a lock, a receive, a sleep, a read, a
 * fiber's result) parks a waiter and later hands it exactly one outcome.
 *
 *     waiter ──park──▶ Waitable ──(later) claim ─▶ settle(ok, outcome) ──▶ waiter
 *                                              └─▶ release()  (the step fell through)
 *            ◀─unpark─ true: withdrawn · false: already completed · 'pending': one final outcome still comes
 *
 * `wake(value)` / `fail(error)` are the one-sided shorthand: `claim() && settle(...)`.
 *
 * Rules every Waitable follows:
 * 1. `park` may complete the waiter before it returns (the result was ready).
 * 2. Before completing a waiter the waitable removes it from its own structures, so the
 *    waiter's links are free (a fiber then links into a run queue).
 * 3. `claim`/`wake`/`fail` return false when the waiter no longer accepts an outcome (it was
 *    withdrawn, or another case of its `select` won). The waitable keeps the result and
 *    offers it to its next waiter: nothing is lost.
 * 4. `unpark` withdraws a parked waiter and returns true, or returns false when the waiter
 *    was already completed (or never parked here). A waitable whose withdrawal finishes
 *    later (an io_uring cancel, a task on another thread) returns `'pending'`: exactly one
 *    final `settle` (or `wake`/`fail`) is still coming, and the waiter must wait for it
 *    before it reuses anything the wait uses.
 * 5. A waitable that completes two waiters in one step (a send meeting a parked receive)
 *    claims the ACTIVE waiter (the one parking now) first, then passive waiters in queue
 *    order, skipping any whose `group` is the active waiter's group (a select never meets
 *    itself). It settles both only when it holds both claims; otherwise it releases the
 *    claim it holds and queues the active waiter.
 * 6. A true `claim` is followed, before the waitable returns to its caller, by exactly one
 *    `settle` or `release` of that waiter, and in between the waitable only claims (it
 *    wakes, dispatches or calls out to nothing else). So a claim refused because another
 *    claim of the same group is held can only happen inside one waitable's own step, and
 *    any other refusal is final: the waiter's wait is over (its select took another case,
 *    or it was withdrawn). Settling a select case withdraws the select's other cases
 *    synchronously, so waitables tolerate `park`/`unpark`/`claim` re-entering from inside
 *    `settle`.
 * 7. A waitable whose result carries an obligation (a lock, a permit, a queued value)
 *    implements `restore`; a queue returns a restored value to its head.
 */
// biome-ignore lint/suspicious/noExplicitAny: the link fields hold waiters of any result type
export interface Waiter<T = any> extends DoublyLinked<Waiter> {
  /**
   * Phase 1: reserves this waiter for one outcome. False: it no longer accepts one
   * (withdrawn, halted, or another case of its select holds or took the claim).
   */
  claim(): boolean;
  /** Phase 2: delivers to a claimed waiter a value (`ok`) or a failure. Never refuses. */
  settle(ok: boolean, outcome: unknown): void;
  /** Phase 2': gives a claim back (the counterpart fell through); the waiter accepts again. */
  release(): void;
  /**
   * Who the waiter waits for: every case node of one select shares its select's group; a
   * plain waiter is its own group. Rule 5 never matches two waiters of one group.
   */
  readonly group: object;
  /**
   * The cancellation the waiter waits under, when it has one (a fiber's token). A waitable
   * may read it in `unpark` to tell a cancelled waiter's withdrawal (cancel the work it
   * started for it) from a select's losing case (which must leave no trace).
   */
  readonly token?: CancelToken;
  /** One-sided shorthand: `claim()`, then `settle(true, value)`. False when it refused. */
  wake(value: T): boolean;
  /** One-sided shorthand: `claim()`, then `settle(false, error)`. False when it refused. */
  fail(error: unknown): boolean;
}

/**
 * What `unpark` answers: true (withdrawn, nothing happened), false (already completed or
 * never parked here), or `'pending'` (a cancel was requested; exactly one final outcome is
 * still coming to the waiter).
 */
export type UnparkResult = boolean | 'pending';

/** Something a waiter can park on. See the rules on {@link Waiter}. */
export interface Waitable<T = unknown> {
  park(waiter: Waiter<T>): void;
  unpark(waiter: Waiter<T>): UnparkResult;
  /**
   * Takes back a result that a waiter accepted but could not use because it was cancelled
   * before it resumed (a halted fiber that had just been handed a lock releases it here).
   * Waitables whose results carry no obligation need not implement it.
   */
  restore?(value: T): void;
  /**
   * True when a wait parked here and withdrawn again (unpark answered true) leaves no trace:
   * no state changed for anyone else. Only such waitables can be cases of a `select`.
   */
  readonly selectable?: boolean;
  /**
   * Optional non-parking attempt: completes `waiter` now (claiming it first, rule 3) and
   * returns true, or returns false and keeps nothing of it. A select's first pass.
   */
  poll?(waiter: Waiter<T>): boolean;
  /** True when a timer ends the wait by itself, so a waiter parked here is not stuck. */
  readonly timed?: boolean;
  /** A short human description of the wait (`"Mutex.lock()"`), for listings of stuck fibers. */
  describe?(): string;
}

/** True when `value` implements the wait protocol. */
export function isWaitable(value: unknown): value is Waitable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Waitable).park === 'function' &&
    typeof (value as Waitable).unpark === 'function'
  );
}

/**
 * The base of a waiter that waits on one waitable for itself (a promise's resolver, a
 * test's recorder): its own group, claimed at most once, with `wake`/`fail` as one branch.
 * Subclasses implement `deliver`. Waiters with their own scheduling (a fiber) implement
 * {@link Waiter} directly.
 */
export abstract class SingleWaiter<T = unknown> implements Waiter<T> {
  next: Waiter | null = null;
  prev: Waiter | null = null;
  owner: object | null = null;
  /** 0 accepting, 1 claimed, 2 settled. */
  #state = 0;

  get group(): object {
    return this;
  }

  /** True once an outcome was delivered. */
  get settled(): boolean {
    return this.#state === 2;
  }

  claim(): boolean {
    if (this.#state !== 0) return false;
    this.#state = 1;
    return true;
  }

  release(): void {
    if (this.#state === 1) this.#state = 0;
  }

  settle(ok: boolean, outcome: unknown): void {
    this.#state = 2;
    this.deliver(ok, outcome);
  }

  wake(value: T): boolean {
    if (this.#state !== 0) return false;
    this.#state = 2;
    this.deliver(true, value);
    return true;
  }

  fail(error: unknown): boolean {
    if (this.#state !== 0) return false;
    this.#state = 2;
    this.deliver(false, error);
    return true;
  }

  /** Receives the one outcome. */
  protected abstract deliver(ok: boolean, outcome: unknown): void;
}

/** Options of any call that waits. */
export interface WaitOptions {
  /** Give up after this many milliseconds with a `TimeoutError`. */
  timeout?: number;
  /** Give up when this signal aborts, with a `Cancelled` error (its reason as cause). */
  signal?: AbortSignal;
  /** Give up when this token is cancelled, with the token's `Cancelled` reason. */
  token?: CancelToken;
}
