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
