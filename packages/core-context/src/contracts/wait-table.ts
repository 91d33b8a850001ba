import { InvalidStateError } from '../errors.js';
import type { Waitable, Waiter } from './wait.js';

/**
 * @internal Which entry serves which wait in progress on one operation (a sleep's timer
 * entry, a select's run, a relay), so a waiter that withdraws finds its own again. The
 * first wait at a time (usually the only one) is kept in two fields, and with `keepFirst`
 * its entry stays for the next wait (a loop allocates it once); waits parked meanwhile go
 * in a Map made on demand. Held in a private field, so none of it is reachable from the
 * operation's public surface.
 */
export class WaitTable<E> {
  #firstWaiter: Waiter | null = null;
  #first: E | null = null;
  #more: Map<Waiter, E> | null = null;

  constructor(private readonly keepFirst: boolean) {}

  /** The entry of `waiter`'s wait in progress, or undefined. */
  find(waiter: Waiter): E | undefined {
    if (this.#firstWaiter === waiter) return this.#first!;
    return this.#more?.get(waiter);
  }

  /**
   * Starts a wait by `waiter` on the entry kept from an earlier wait, when there is one and
   * the first slot is free; else returns null and the caller makes an entry and `add`s it.
   * Throws InvalidStateError when `waiter` waits on `operation` already.
   */
  reuse(waiter: Waiter, operation: Waitable<unknown>): E | null {
    if (this.find(waiter) !== undefined) {
      const what = operation.describe?.() ?? operation.constructor.name;
      throw new InvalidStateError(`${what}: this waiter is already parked here`);
    }
    if (this.#firstWaiter !== null || this.#first === null) return null;
    this.#firstWaiter = waiter;
    return this.#first;
  }

  /** Starts a wait by `waiter` on a new `entry` (after `reuse` returned null); returns `entry`. */
  add(waiter: Waiter, entry: E): E {
    if (this.#firstWaiter === null) {
      this.#firstWaiter = waiter;
      this.#first = entry;
    } else {
      (this.#more ??= new Map()).set(waiter, entry);
    }
    return entry;
  }

  /** `waiter`'s wait ended (completed, withdrawn, or never started): forget it. */
  end(waiter: Waiter): void {
    if (this.#firstWaiter === waiter) {
      this.#firstWaiter = null;
      if (!this.keepFirst) this.#first = null;
    } else {
      this.#more?.delete(waiter);
    }
  }
}
