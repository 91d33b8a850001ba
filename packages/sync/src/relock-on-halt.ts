import { Cancelled, type Operation } from '@spindle/core-context';

/**
 * A condition wait (local or shared) whose `yield*` makes a halted fiber take the mutex
 * back before its `finally` blocks run, so `try { yield* c.wait(m) } finally { m.unlock() }`
 * never unlocks a mutex that another fiber holds. Its `[Symbol.iterator]` returns
 * `relockOnHalt(this)`.
 */
export interface RelockingWait extends Operation<void> {
  /** Which wait it is, for the Cancelled message: "Condition" or "SharedCondition". */
  readonly primitive: string;
  /** The lock a halted caller must wait on, or null when it holds the mutex already. */
  relockAfterHalt(): Operation<void> | null;
}

/** The `yield*` iterator of a RelockingWait. */
export function relockOnHalt(wait: RelockingWait): Iterator<Operation<void>, void, void> {
  return new RelockOnHaltStep(wait);
}

const STARTED = 0;
const WAITING = 1;
const RELOCKING = 2;
const ENDED = 3;

/**
 * The iterator `yield*` drives for a condition wait. A fiber halted during the wait
 * unwinds through `return()`: the step then parks it on the mutex first. A generator
 * cannot resume a return that a wait interrupted (`yield*` turns it into a normal
 * completion), so once the mutex is held the step ends the wait with Cancelled instead,
 * which unwinds the same `finally` blocks.
 */
class RelockOnHaltStep implements Iterator<Operation<void>, void, void> {
  private phase = STARTED;

  constructor(private readonly wait: RelockingWait) {}

  next(): IteratorResult<Operation<void>, void> {
    if (this.phase === STARTED) {
      this.phase = WAITING;
      return { done: false, value: this.wait };
    }
    const relocked = this.phase === RELOCKING;
    this.phase = ENDED;
    if (relocked) {
      throw new Cancelled(
        `The fiber was halted in ${this.wait.primitive}.wait(mutex); it holds the mutex again`,
      );
    }
    return { done: true, value: undefined };
  }

  return(): IteratorResult<Operation<void>, void> {
    const relock = this.phase === WAITING ? this.wait.relockAfterHalt() : null;
    if (relock === null) {
      this.phase = ENDED;
      return { done: true, value: undefined };
    }
    this.phase = RELOCKING;
    return { done: false, value: relock };
  }

  throw(error: unknown): IteratorResult<Operation<void>, void> {
    this.phase = ENDED;
    throw error;
  }
}
