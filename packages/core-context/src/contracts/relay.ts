import type { CancelToken } from './cancel.js';
import { Operation } from './operation.js';
import type { UnparkResult, Waiter } from './wait.js';
import { WaitTable } from './wait-table.js';

/** Set by Relay's static block: ties a relay to the operation that forgets it when it ends. */
let bindOperation: <T>(relay: Relay<T>, operation: RelayingOperation<T>) => void;

/**
 * A waiter that stands in for the caller's waiter (`outer`) for ONE wait, where the
 * caller's own node cannot go: it carries what a primitive needs (a weight, a deadline, a
 * second phase) and forwards the outcome. Claims pass straight through to the outer waiter,
 * so a relayed wait can be a select case; its group and token are the outer waiter's.
 *
 *     outer waiter ──park──▶ RelayingOperation ──makes──▶ Relay ──begin/park──▶ primitive
 *                  ◀──────── settle / wake / fail ─────── Relay ◀──────────────
 */
export abstract class Relay<T> implements Waiter<T> {
  next: Waiter | null = null;
  prev: Waiter | null = null;
  owner: object | null = null;
  #outer: Waiter<T> | null;
  #operation: RelayingOperation<T> | null = null;
  /** Withdrawn with 'pending': only the one final outcome is still awaited. */
  #finalPending = false;

  constructor(outer: Waiter<T>) {
    this.#outer = outer;
  }

  get group(): object {
    return this.#outer?.group ?? this;
  }

  get token(): CancelToken | undefined {
    return this.#outer?.token;
  }

  /** True while the caller still waits for this relay's outcome. */
  get waiting(): boolean {
    return this.#outer !== null;
  }

  /** True while the wait can still be withdrawn: waiting, and no withdrawal is pending. */
  protected get withdrawable(): boolean {
    return this.#outer !== null && !this.#finalPending;
  }

  /** Starts the wait: parks this relay where the caller's outcome will come from. */
  abstract begin(): void;

  /** Takes this relay out of where it waits (rule 4's answer). */
  protected abstract leave(): UnparkResult;

  /**
   * Withdraws the wait for the caller (its `unpark`). When the primitive answers
   * `'pending'`, the relay disarms (`detached`) and only awaits the final outcome: a second
   * withdrawal answers `'pending'` again without asking the primitive twice.
   */
  withdraw(): UnparkResult {
    if (this.#outer === null) return false;
    if (this.#finalPending) return 'pending';
    const result = this.leave();
    if (result === true) this.detach();
    else if (result === 'pending') this.awaitFinal();
    return result;
  }

  /** The withdrawal is pending: disarm now; the final outcome still reaches the caller. */
  protected awaitFinal(): void {
    this.#finalPending = true;
    this.detached();
  }

  claim(): boolean {
    const outer = this.#outer;
    return outer !== null && outer.claim();
  }

  release(): void {
    this.#outer?.release();
  }

  settle(ok: boolean, outcome: unknown): void {
    this.detach()?.settle(ok, outcome);
  }

  wake(value: T): boolean {
    const outer = this.detach();
    return outer !== null && outer.wake(value);
  }

  fail(error: unknown): boolean {
    const outer = this.detach();
    return outer !== null && outer.fail(error);
  }

  /** Ends the relay: returns the outer waiter (null when it ended already) and calls `detached`. */
  protected detach(): Waiter<T> | null {
    const outer = this.#outer;
    if (outer === null) return null;
    this.#outer = null;
    this.detached();
    this.#operation?.forget(outer);
    this.#operation = null;
    return outer;
  }

  /** Called when the relay ends or its withdrawal turns pending (disarm timers, listeners); may run twice. */
  protected detached(): void {}

  static {
    bindOperation = (relay, operation) => {
      relay.#operation = operation;
    };
  }
}

/**
 * An Operation whose every wait is a fresh Relay (so each wait on it is a new wait, as the
 * Operation rule says), found again by the caller's waiter when that caller withdraws.
 */
export abstract class RelayingOperation<T> extends Operation<T> {
  readonly #waits = new WaitTable<Relay<T>>(false);

  /** Makes the relay of one wait by `outer`. */
  protected abstract relay(outer: Waiter<T>): Relay<T>;

  park(waiter: Waiter<T>): void {
    const waits = this.#waits;
    waits.reuse(waiter, this); // never returns an entry (none is kept): checks the waiter
    const relay = waits.add(waiter, this.relay(waiter));
    bindOperation(relay, this);
    try {
      relay.begin();
    } catch (error) {
      if (waits.find(waiter) === relay) waits.end(waiter); // nothing waits: the caller may park again
      throw error;
    }
  }

  unpark(waiter: Waiter<T>): UnparkResult {
    return this.#waits.find(waiter)?.withdraw() ?? false;
  }

  describe?(): string;

  /** @internal a relay ended: forget it */
  forget(outer: Waiter<T>): void {
    this.#waits.end(outer);
  }
}
