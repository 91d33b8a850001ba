import { OperationStep } from './operation-step.js';
import type { SharedOutcome } from './shared-outcome.js';
import { SingleWaiter, type UnparkResult, type Waitable, type Waiter } from './wait.js';

/**
 * One operation, two callers: a Waitable that async code can `await` and a fiber can
 * `yield*`. Inside a fiber, `yield*` yields the operation itself to the fiber's driver,
 * which parks the fiber (the fiber is the waiter, so waiting allocates nothing more) and
 * resumes it with the result. `await` parks one promise waiter instead.
 *
 * An operation describes a wait; it is not a promise of one result. Nothing waits until it
 * is awaited, yielded, or given a `then`, `catch` or `finally` callback, and EVERY one of
 * those is a wait of its own: `await op; await op;` on a lock takes it twice. So handle a
 * failure on the wait you make, and await what `catch`/`finally` return, never `op` again:
 *
 * ```ts
 * const guard = await mutex.lock().catch(onError); // one wait
 * // not: const op = mutex.lock(); op.catch(onError); await op;  (two waits: two locks)
 * ```
 *
 * The exception is an operation whose outcome is a value that exists once (a
 * {@link SharedOutcome}: a fiber's result, a pool task's result, a `Deferred`): every wait
 * on it, before or after it settled, sees that same outcome.
 *
 * It is typed `PromiseLike` (what `await` needs) and offers `catch` and `finally` for the
 * familiar idioms, but it does not claim to be a `Promise`: code written for promises may
 * call `then` twice on one and expect one outcome.
 *
 * Subclasses implement `park` and `unpark` (and `restore` when a result carries an
 * obligation, like a lock).
 */
export abstract class Operation<T> implements Waitable<T>, PromiseLike<T> {
  abstract park(waiter: Waiter<T>): void;
  abstract unpark(waiter: Waiter<T>): UnparkResult;

  /** `yield*` support: yields this operation once, then returns what the fiber was resumed with. */
  [Symbol.iterator](): Iterator<Operation<T>, T, T> {
    return new OperationStep(this);
  }

  /** Starts a NEW wait (as `await op` does) and hands its outcome to the callbacks. */
  // biome-ignore lint/suspicious/noThenProperty: operations are awaitable on purpose
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    // biome-ignore lint/suspicious/noExplicitAny: typed like Promise, so `(error: Error) => …` handlers fit
    onRejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return waitOn(this).then(onFulfilled, onRejected);
  }

  /**
   * Starts a NEW wait, like `then`, and handles its failure. The returned promise is the
   * whole wait: await it (`await op.catch(handle)`), not `op` again, which waits once more.
   */
  // biome-ignore lint/suspicious/noExplicitAny: typed like Promise, so `(error: Error) => …` handlers fit
  catch<R = never>(onRejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<T | R> {
    return waitOn(this).catch(onRejected);
  }

  /**
   * Starts a NEW wait, like `then`, and runs `onFinally` when it ends either way. Await
   * the returned promise, not `op`: `op.finally(f); await op;` is two waits.
   */
  finally(onFinally?: (() => void) | null): Promise<T> {
    return waitOn(this).finally(onFinally);
  }

  /** `Object.prototype.toString` names the class, where a promise shows `[object Promise]`. */
  get [Symbol.toStringTag](): string {
    return this.constructor.name;
  }
}

/** The waiter of the promise path: one allocation per wait. */
export class PromiseWaiter<T> extends SingleWaiter<T> {
  constructor(
    private readonly resolve: (value: T) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    super();
  }

  protected deliver(ok: boolean, outcome: unknown): void {
    if (ok) this.resolve(outcome as T);
    else this.reject(outcome);
  }
}

/** @internal one wait on `waitable` from async code, without limits (`waitFor` adds them). */
export function waitOn<T>(waitable: Waitable<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => waitable.park(new PromiseWaiter(resolve, reject)));
}
