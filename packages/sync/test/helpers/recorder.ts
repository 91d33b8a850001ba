import type { Waiter } from '@spindle/core-context';

/**
 * A waiter for tests of the waitable level: it records the outcomes it is settled with, and
 * `accepting = false` makes it refuse claims, as a select case does while its select holds
 * a claim on another case.
 */
export class Recorder<T = unknown> implements Waiter<T> {
  next: Waiter | null = null;
  prev: Waiter | null = null;
  owner: object | null = null;
  readonly group = {};
  accepting = true;
  readonly outcomes: { ok: boolean; outcome: unknown }[] = [];
  #claimed = false;
  #onSettled: (() => void) | null = null;
  /** Resolves at its first settle, for waits whose outcome comes on a later turn. */
  readonly settledOnce = new Promise<void>((resolve) => {
    this.#onSettled = resolve;
  });

  constructor(readonly name = 'recorder') {}

  /** True once it was settled. */
  get settled(): boolean {
    return this.outcomes.length > 0;
  }

  /** Claims asked of it, accepted or not. */
  claimsAsked = 0;

  claim(): boolean {
    this.claimsAsked++;
    if (!this.accepting || this.#claimed || this.settled) return false;
    this.#claimed = true;
    return true;
  }

  release(): void {
    this.#claimed = false;
  }

  settle(ok: boolean, outcome: unknown): void {
    if (!this.#claimed) throw new Error(`${this.name} was settled without a claim`);
    this.#claimed = false;
    this.outcomes.push({ ok, outcome });
    this.#onSettled?.();
  }

  wake(value: T): boolean {
    if (!this.claim()) return false;
    this.settle(true, value);
    return true;
  }

  fail(error: unknown): boolean {
    if (!this.claim()) return false;
    this.settle(false, error);
    return true;
  }
}
