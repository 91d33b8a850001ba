import { type List, Operation, type Waiter } from '@spindle/core-context';

/** Empties `waiters`, offering `value` to each (unlinked before its wake, as the protocol asks). */
export function wakeAll<T>(waiters: List<Waiter<T>>, value: T): void {
  for (let waiter = waiters.popFront(); waiter !== null; waiter = waiters.popFront()) waiter.wake(value);
}

/** Empties `waiters`, failing each with `error`. */
export function failAll(waiters: List<Waiter>, error: unknown): void {
  for (let waiter = waiters.popFront(); waiter !== null; waiter = waiters.popFront()) waiter.fail(error);
}

/**
 * The wait of a level-triggered primitive (an event, a wait group): completes at once
 * while `isReady()`, else queues until the owner wakes the list. Stateless, so each
 * primitive keeps one and a wait allocates nothing.
 */
export class WaitUntilReady extends Operation<void> {
  constructor(
    private readonly isReady: () => boolean,
    private readonly waiters: List<Waiter<void>>,
    private readonly label: string,
  ) {
    super();
  }

  /** What a waiting fiber waits on, for debugging listings. */
  describe(): string {
    return this.label;
  }

  park(waiter: Waiter<void>): void {
    if (this.isReady()) waiter.wake(undefined);
    else this.waiters.pushBack(waiter);
  }

  unpark(waiter: Waiter<void>): boolean {
    return this.waiters.remove(waiter);
  }
}
