import { InvalidStateError } from '../errors.js';
import { Operation } from './operation.js';
import type { Waitable, Waiter } from './wait.js';

/**
 * An Operation that keeps one entry per wait in progress (a sleep's timer entry, a select's
 * run, a relay), found again by the waiter when it withdraws. The first wait at a time
 * (usually the only one) is kept in two fields, and, when `reusesEntry()`, its entry stays
 * for the next wait (a loop allocates it once); waits parked meanwhile go in a Map made on
 * demand. A base class rather than a table object, so an operation costs no extra allocation.
 */
export abstract class PerWaitOperation<T, E> extends Operation<T> {
  #firstWaiter: Waiter<T> | null = null;
  #first: E | null = null;
  #more: Map<Waiter<T>, E> | null = null;

  /** Makes the entry of one wait by `waiter`. */
  protected abstract newEntry(waiter: Waiter<T>): E;

  /** True when the first slot's entry serves the next wait; false: every wait gets a new one. */
  protected abstract reusesEntry(): boolean;

  /** The entry of `waiter`'s wait in progress here, or undefined. */
  protected waitOf(waiter: Waiter<T>): E | undefined {
    if (this.#firstWaiter === waiter) return this.#first!;
    return this.#more?.get(waiter);
  }

  /** Registers a new wait by `waiter` and returns its entry; InvalidStateError when it waits here already. */
  protected startWait(waiter: Waiter<T>): E {
    if (this.waitOf(waiter) !== undefined) {
      const what = (this as Waitable<T>).describe?.() ?? this.constructor.name;
      throw new InvalidStateError(`${what}: this waiter is already parked here`);
    }
    if (this.#firstWaiter === null) {
      const kept = this.#first;
      const entry = kept !== null && this.reusesEntry() ? kept : this.newEntry(waiter);
      this.#firstWaiter = waiter;
      this.#first = entry;
      return entry;
    }
    const entry = this.newEntry(waiter);
    (this.#more ??= new Map()).set(waiter, entry);
    return entry;
  }

  /** `waiter`'s wait ended (completed, withdrawn, or never started): forget it. */
  protected endWait(waiter: Waiter<T>): void {
    if (this.#firstWaiter === waiter) {
      this.#firstWaiter = null;
      if (!this.reusesEntry()) this.#first = null;
    } else {
      this.#more?.delete(waiter);
    }
  }
}
