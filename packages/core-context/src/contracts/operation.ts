import { Cancelled, TimeoutError } from '../errors.js';
import type { Waitable, Waiter, WaitOptions } from './wait.js';

/**
 * One operation, two callers: a Waitable that async code can `await` and a fiber can
 * `yield*`. Inside a fiber, `yield*` yields the operation itself to the fiber's driver,
 * which parks the fiber (the fiber is the waiter, so waiting allocates nothing more) and
 * resumes it with the result. `await` parks one promise waiter instead.
 *
 * Subclasses implement `park` and `unpark` (and `restore` when a result carries an
 * obligation, like a lock).
 */
export abstract class Operation<T> implements Waitable<T>, PromiseLike<T> {
  abstract park(waiter: Waiter<T>): void;
  abstract unpark(waiter: Waiter<T>): boolean;

  /** `yield*` support: yields this operation once, then returns what the fiber was resumed with. */
  [Symbol.iterator](): Iterator<Operation<T>, T, T> {
    return new OperationStep(this);
  }

  // biome-ignore lint/suspicious/noThenProperty: operations are awaitable on purpose
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return waitFor(this).then(onFulfilled, onRejected);
  }
}

/**
 * The iterator `yield*` drives: one small object instead of a generator, because a fiber
 * waits through it on every `yield*` (measured: about 10 ns less per wait).
 */
class OperationStep<T> implements Iterator<Operation<T>, T, T> {
  private yielded = false;

  constructor(private readonly operation: Operation<T>) {}

  next(resumedWith: T): IteratorResult<Operation<T>, T> {
    if (this.yielded) return { done: true, value: resumedWith };
    this.yielded = true;
    return { done: false, value: this.operation };
  }

  return(value: T): IteratorResult<Operation<T>, T> {
    this.yielded = true;
    return { done: true, value };
  }

  throw(error: unknown): IteratorResult<Operation<T>, T> {
    this.yielded = true;
    throw error;
  }
}

/** The waiter of the promise path: one allocation per wait. */
class PromiseWaiter<T> implements Waiter<T> {
  next: Waiter | null = null;
  prev: Waiter | null = null;
  owner: object | null = null;
  private settled = false;

  constructor(
    private readonly resolve: (value: T) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  wake(value: T): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.resolve(value);
    return true;
  }

  fail(error: unknown): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.reject(error);
    return true;
  }
}

/**
 * Waits on any Waitable from async code. With `timeout` or `signal`, the wait is
 * withdrawn when either fires and the promise rejects with `TimeoutError` or `Cancelled`.
 */
export function waitFor<T>(waitable: Waitable<T>, options?: WaitOptions): Promise<T> {
  const target =
    options?.timeout !== undefined || options?.signal ? new BoundedWait(waitable, options) : waitable;
  return new Promise<T>((resolve, reject) => target.park(new PromiseWaiter(resolve, reject)));
}

/** Wraps `waitable` so that a wait on it ends with an error at a timeout or an abort. */
export function bounded<T>(waitable: Waitable<T>, options: WaitOptions): Operation<T> {
  return new BoundedWait(waitable, options);
}

/**
 * A single wait with a deadline and/or an abort signal. It stands between the caller's
 * waiter and the inner waitable, so it can clear its timer and listener when the inner
 * result arrives. Each instance serves one wait.
 */
class BoundedWait<T> extends Operation<T> implements Waiter<T> {
  next: Waiter | null = null;
  prev: Waiter | null = null;
  owner: object | null = null;
  readonly timed: boolean;
  private outer: Waiter<T> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onAbort = (): void => this.giveUp(this.cancelledError());

  constructor(
    private readonly inner: Waitable<T>,
    private readonly options: WaitOptions,
  ) {
    super();
    const { timeout } = options;
    if (timeout !== undefined && (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0)) {
      throw new RangeError(`timeout must be a non-negative number of milliseconds, got ${String(timeout)}`);
    }
    this.timed = timeout !== undefined;
  }

  park(waiter: Waiter<T>): void {
    this.outer = waiter;
    const { signal, timeout } = this.options;
    if (signal?.aborted) {
      waiter.fail(this.cancelledError());
      return;
    }
    this.inner.park(this);
    if (this.outer === null) return; // completed synchronously
    if (timeout !== undefined) {
      this.timer = setTimeout(
        () => this.giveUp(new TimeoutError(`The wait timed out after ${timeout} ms`)),
        timeout,
      );
    }
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  unpark(waiter: Waiter<T>): boolean {
    if (this.outer !== waiter || !this.inner.unpark(this)) return false;
    this.finish();
    return true;
  }

  restore(value: T): void {
    this.inner.restore?.(value);
  }

  wake(value: T): boolean {
    const outer = this.finish();
    return outer !== null && outer.wake(value);
  }

  fail(error: unknown): boolean {
    const outer = this.finish();
    return outer !== null && outer.fail(error);
  }

  private giveUp(error: Error): void {
    if (this.inner.unpark(this)) this.finish()?.fail(error);
  }

  private finish(): Waiter<T> | null {
    const outer = this.outer;
    this.outer = null;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.options.signal?.removeEventListener('abort', this.onAbort);
    return outer;
  }

  private cancelledError(): Cancelled {
    return new Cancelled('The wait was aborted by its signal', { cause: this.options.signal?.reason });
  }
}
