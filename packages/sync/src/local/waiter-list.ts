import { type List, Operation, type UnparkResult, type Waiter } from '@spindle/core-context';

/**
 * Claims the first waiter of `waiters` that accepts, unlinks it and returns it (the caller
 * settles it before it returns, rule 6); null when none accepts. A waiter that refuses its
 * claim stays where it is: a linked waiter refuses only while its select holds a claim on
 * another case, and that select withdraws it (unpark) once it won. The result goes on to
 * the next waiter (rule 3).
 */
export function claimFirst<T>(waiters: List<Waiter<T>>): Waiter<T> | null {
  for (let waiter = waiters.first(); waiter !== null; waiter = waiter.next as Waiter<T> | null) {
    if (waiter.claim()) {
      waiters.remove(waiter);
      return waiter;
    }
  }
  return null;
}

/**
 * Settles every waiter of `waiters` that accepts with `value` (a level-triggered state came
 * true); refusers stay, as in {@link claimFirst}. Settling may re-enter (a select withdraws
 * its other cases), so the walk starts again from the head after each one.
 */
export function wakeAll<T>(waiters: List<Waiter<T>>, value: T): void {
  for (let waiter = claimFirst(waiters); waiter !== null; waiter = claimFirst(waiters)) {
    waiter.settle(true, value);
  }
}

/**
 * The wait of a level-triggered primitive (an event, a wait group): completes at once
 * while `isReady()`, else queues until the owner wakes the list. Stateless, so each
 * primitive keeps one and a wait allocates nothing. Selectable: a withdrawn wait only
 * leaves the list.
 */
export class WaitUntilReady extends Operation<void> {
  readonly selectable = true;

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

  unpark(waiter: Waiter<void>): UnparkResult {
    return this.waiters.remove(waiter);
  }
}
