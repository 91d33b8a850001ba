import { List, Operation, type Waiter } from '@spindle/core-context';

/** A small test Waitable: waiters queue until `set(value)` wakes one (or all). */
export class TestEvent<T = void> extends Operation<T> {
  readonly waiters = new List<Waiter<T>>();

  park(waiter: Waiter<T>): void {
    this.waiters.pushBack(waiter);
  }

  unpark(waiter: Waiter<T>): boolean {
    return this.waiters.remove(waiter);
  }

  /** Wakes the first waiter that accepts; returns whether one did. */
  wakeOne(value: T): boolean {
    for (let waiter = this.waiters.popFront(); waiter !== null; waiter = this.waiters.popFront()) {
      if (waiter.wake(value)) return true;
    }
    return false;
  }

  failOne(error: unknown): boolean {
    const waiter = this.waiters.popFront();
    return waiter !== null && waiter.fail(error);
  }
}

/**
 * A token lock whose result carries an obligation: a waiter handed the token must give it
 * back, and a halted fiber gives it back through `restore`.
 */
export class TokenLock extends Operation<number> {
  readonly waiters = new List<Waiter<number>>();
  held = false;
  restored = 0;
  private handedOut = 0;

  park(waiter: Waiter<number>): void {
    if (!this.held) {
      this.held = true;
      waiter.wake(++this.handedOut);
    } else this.waiters.pushBack(waiter);
  }

  unpark(waiter: Waiter<number>): boolean {
    return this.waiters.remove(waiter);
  }

  restore(_token: number): void {
    this.restored++;
    this.unlock();
  }

  unlock(): void {
    for (let waiter = this.waiters.popFront(); waiter !== null; waiter = this.waiters.popFront()) {
      if (waiter.wake(++this.handedOut)) return;
    }
    this.held = false;
  }
}

/**
 * A waitable whose withdrawal finishes later, like an io_uring cancel: `unpark` answers
 * 'pending' and the final outcome comes when the test calls `complete` (a value: the
 * operation won the race; a failure: the cancel took effect). Values given back are
 * counted in `restored`.
 */
export class LateCancel<T> extends Operation<T> {
  readonly waiters = new List<Waiter<T>>();
  /** Waiters withdrawn with 'pending' whose final outcome has not come yet. */
  readonly cancelling: Waiter<T>[] = [];
  readonly restored: T[] = [];

  park(waiter: Waiter<T>): void {
    this.waiters.pushBack(waiter);
  }

  unpark(waiter: Waiter<T>): 'pending' | false {
    if (!this.waiters.remove(waiter)) return false;
    this.cancelling.push(waiter);
    return 'pending';
  }

  restore(value: T): void {
    this.restored.push(value);
  }

  /** Delivers the final outcome of the oldest pending cancel; returns what the waiter answered. */
  complete(outcome: { value: T } | { error: unknown }): boolean {
    const waiter = this.cancelling.shift();
    if (waiter === undefined) throw new Error('no cancel is pending');
    return 'value' in outcome ? waiter.wake(outcome.value) : waiter.fail(outcome.error);
  }
}
