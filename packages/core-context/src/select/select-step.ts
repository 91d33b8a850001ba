import type { Operation } from '../contracts/operation.js';

/**
 * The iterator `yield* sel` drives, kept by a Select for its next `yield*` so a fiber loop
 * over one Select allocates no iterator per round (the same one-yield protocol as every
 * Operation's). While one is in use (another fiber yields the same Select at that moment),
 * the Select hands out a fresh one.
 */
export class SelectStep<T> implements Iterator<Operation<T>, T, T> {
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
