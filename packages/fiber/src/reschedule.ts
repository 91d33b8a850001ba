import { Operation, type Waiter } from '@spindle/core-context';

/**
 * The operation behind `yieldNow()`. A fiber's driver recognises it (like a bare `yield`)
 * and puts the fiber at the back of its executor's queue. Anyone else who waits on it
 * (async code) is woken on the next microtask.
 */
class Reschedule extends Operation<void> {
  park(waiter: Waiter<void>): void {
    queueMicrotask(() => waiter.wake(undefined));
  }

  /** A reschedule cannot be withdrawn; a cancelled waiter just refuses the wake. */
  unpark(_waiter: Waiter<void>): boolean {
    return false;
  }

  describe(): string {
    return 'yieldNow()';
  }
}

export const RESCHEDULE: Operation<void> = new Reschedule();

/**
 * Gives other runnables a turn: `yield* yieldNow()` in a fiber (a bare `yield` does the
 * same without allocating the delegating generator), `await yieldNow()` in async code.
 */
export function yieldNow(): Operation<void> {
  return RESCHEDULE;
}
