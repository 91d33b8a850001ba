import { List, Operation, type Waiter } from '../../src/index.js';

/**
 * A one-shot event: waiters park until `set(value)`, then all of them (and every later
 * waiter, at once) get the value. The simplest broadcast Waitable.
 */
export class OneShotEvent<T> extends Operation<T> {
  private readonly waiters = new List<Waiter>();
  private fired = false;
  private value: T | undefined;

  park(waiter: Waiter<T>): void {
    if (this.fired) waiter.wake(this.value as T);
    else this.waiters.pushBack(waiter);
  }

  unpark(waiter: Waiter<T>): boolean {
    return this.waiters.remove(waiter);
  }

  get waiting(): number {
    return this.waiters.size;
  }

  set(value: T): void {
    if (this.fired) return;
    this.fired = true;
    this.value = value;
    for (let waiter = this.waiters.popFront(); waiter !== null; waiter = this.waiters.popFront()) {
      waiter.wake(value);
    }
  }
}

/**
 * A hand-off of single values: each `put` value goes to exactly one waiter. A waiter that
 * refuses it (rule 3 of the wait protocol) leaves it for the next waiter or the next `park`.
 */
export class Mailbox<T> extends Operation<T> {
  private readonly waiters = new List<Waiter>();
  private readonly kept: T[] = [];

  park(waiter: Waiter<T>): void {
    if (this.kept.length > 0 && waiter.wake(this.kept[0] as T)) {
      this.kept.shift();
      return;
    }
    if (this.kept.length === 0) this.waiters.pushBack(waiter);
  }

  unpark(waiter: Waiter<T>): boolean {
    return this.waiters.remove(waiter);
  }

  restore(value: T): void {
    this.put(value);
  }

  get waiting(): number {
    return this.waiters.size;
  }

  /** Values nobody has taken yet. */
  get undelivered(): readonly T[] {
    return this.kept;
  }

  put(value: T): void {
    for (let waiter = this.waiters.popFront(); waiter !== null; waiter = this.waiters.popFront()) {
      if (waiter.wake(value)) return;
    }
    this.kept.push(value);
  }
}

/**
 * A queue of values whose receive can be polled (a select's pass 1 takes a ready value
 * without parking) and is selectable: a withdrawn receive leaves nothing behind.
 */
export class PolledQueue<T> extends Operation<T> {
  readonly selectable = true;
  private readonly waiters = new List<Waiter>();

  constructor(readonly values: T[] = []) {
    super();
  }

  park(waiter: Waiter<T>): void {
    if (!this.poll(waiter)) this.waiters.pushBack(waiter);
  }

  poll(waiter: Waiter<T>): boolean {
    if (this.values.length === 0 || !waiter.wake(this.values[0] as T)) return false;
    this.values.shift();
    return true;
  }

  unpark(waiter: Waiter<T>): boolean {
    return this.waiters.remove(waiter);
  }

  restore(value: T): void {
    this.values.unshift(value);
  }

  put(value: T): void {
    for (let waiter = this.waiters.popFront(); waiter !== null; waiter = this.waiters.popFront()) {
      if (waiter.wake(value)) return;
    }
    this.values.push(value);
  }
}
