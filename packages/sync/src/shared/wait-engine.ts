import { isMainThread } from 'node:worker_threads';
import {
  BlockingCallError,
  futexWait,
  futexWaitAsync,
  InvalidStateError,
  Operation,
  TimeoutError,
  type Waiter,
} from '@spindle/core-context';

/**
 * One wait on a shared primitive, in both forms: an Operation (fibers and async code,
 * parking on `futexWaitAsync`, never blocking the thread) and `block()` (workers only,
 * on `futexWait`). A subclass says how to try (`attempt`) and which cell value to sleep
 * on while it cannot (`expected` at `cell`). Each call of a waiting method makes one.
 */
export abstract class SharedWait<T> extends Operation<T> {
  /** The cell value to sleep on when `attempt` fails. */
  protected expected = 0;
  private outer: Waiter<T> | null = null;
  private controller: AbortController | null = null;

  protected constructor(
    private readonly view: Int32Array,
    private readonly cell: number,
  ) {
    super();
  }

  /** What a waiting fiber waits on, for debugging listings (`"SharedMutex.lock()"`). */
  abstract describe(): string;
  /** Tries to complete; false sets `expected`. May throw a typed error (a broken barrier). */
  protected abstract attempt(): boolean;
  /** The result once `attempt` returned true. */
  protected abstract result(): T;
  /** Undoes what earlier attempts registered; false when the wait completed meanwhile and cannot leave. */
  protected leave(): boolean {
    return true;
  }
  /** Gives back a result a cancelled waiter accepted (a lock is unlocked again). */
  restore(_value: T): void {}

  park(waiter: Waiter<T>): void {
    if (this.outer !== null) {
      throw new InvalidStateError(
        'This shared wait is already in progress: call the waiting method again for another wait',
      );
    }
    this.outer = waiter;
    try {
      if (this.attempt()) {
        this.deliver();
        return;
      }
    } catch (error) {
      this.deliverError(error);
      return;
    }
    this.sleep(new AbortController());
  }

  unpark(waiter: Waiter<T>): boolean {
    if (this.outer !== waiter || this.controller === null || !this.leave()) return false;
    this.controller.abort();
    this.controller = null;
    this.outer = null;
    return true;
  }

  /** Waits by blocking this worker thread; throws BlockingCallError on the main thread. */
  block(what: string, timeout?: number): T {
    if (isMainThread) throw new BlockingCallError(what);
    const deadline = timeout === undefined ? Number.POSITIVE_INFINITY : performance.now() + timeout;
    while (!this.attempt()) {
      const remaining = deadline - performance.now();
      if (remaining <= 0 || futexWait(this.view, this.cell, this.expected, remaining) === 'timed-out') {
        if (this.attempt()) break;
        if (this.leave()) throw new TimeoutError(`${what} timed out after ${timeout} ms`);
      }
    }
    return this.result();
  }

  private async sleep(controller: AbortController): Promise<void> {
    this.controller = controller;
    const { signal } = controller;
    try {
      do {
        await futexWaitAsync(this.view, this.cell, this.expected, { signal });
        if (signal.aborted) return;
      } while (!this.attempt());
    } catch (error) {
      if (!signal.aborted) this.deliverError(error);
      return;
    }
    this.deliver();
  }

  private deliver(): void {
    const outer = this.outer!;
    this.outer = this.controller = null;
    const value = this.result();
    if (!outer.wake(value)) this.restore(value);
  }

  private deliverError(error: unknown): void {
    const outer = this.outer!;
    this.outer = this.controller = null;
    outer.fail(error);
  }
}
