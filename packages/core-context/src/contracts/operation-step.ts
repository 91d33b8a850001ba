import type { Operation } from './operation.js';

/**
 * The iterator `yield* op` drives: yields the operation once, then returns what the fiber
 * was resumed with. One small object instead of a generator, because a fiber waits through
 * it on every `yield*`. An operation may keep one for its next `yield*` (a Select does, so a
 * fiber loop over it allocates no iterator per round): `begin` starts a use, and while one
 * is `inUse` (another fiber yields the same operation then) the operation makes a new one.
 */
export class OperationStep<T> implements Iterator<Operation<T>, T, T> {
  inUse = false;
  private yielded = false;
  private readonly pending: IteratorYieldResult<Operation<T>>;
  private readonly finished: IteratorReturnResult<T> = { done: true, value: undefined as T };

  constructor(operation: Operation<T>) {
    this.pending = { done: false, value: operation };
  }

  /** Starts a `yield*` with this step. */
  begin(): this {
    this.inUse = true;
    this.yielded = false;
    return this;
  }

  next(resumedWith: T): IteratorResult<Operation<T>, T> {
    if (this.yielded) return this.end(resumedWith);
    this.yielded = true;
    return this.pending;
  }

  return(value: T): IteratorResult<Operation<T>, T> {
    return this.end(value);
  }

  throw(error: unknown): IteratorResult<Operation<T>, T> {
    this.inUse = false;
    this.yielded = true; // done, as a generator is after a throw
    throw error;
  }

  /** The driver reads `value` at once, so one result object serves every round. */
  private end(value: T): IteratorReturnResult<T> {
    this.inUse = false;
    this.yielded = true;
    this.finished.value = value;
    return this.finished;
  }
}
