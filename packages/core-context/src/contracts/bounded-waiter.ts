import { Cancelled, TimeoutError } from '../errors.js';
import type { Waitable, Waiter, WaitOptions } from './wait.js';

/** Told when a BoundedWaiter's wait ends, whichever way (the owning operation forgets it). */
export interface BoundedWaitOwner<T> {
  settled(outer: Waiter<T>): void;
}

const ONCE = { once: true } as const;

/** Throws a RangeError at the call for a timeout that is not a non-negative number. */
export function checkTimeout(timeout: number | undefined): void {
  if (timeout !== undefined && (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0)) {
    throw new RangeError(`timeout must be a non-negative number of milliseconds, got ${String(timeout)}`);
  }
}

/**
 * One wait with a deadline and/or an abort signal. It stands between the caller's waiter
 * (`outer`) and the inner waitable, so it can clear its timer and listener when the inner
 * result arrives. Each instance serves exactly one wait: awaiting a `bounded()` operation
 * twice builds two of them. It is its own abort listener (`handleEvent`), so a park costs
 * no listener closure.
 */
export class BoundedWaiter<T> implements Waiter<T> {
  next: Waiter | null = null;
  prev: Waiter | null = null;
  owner: object | null = null;
  private outer: Waiter<T> | null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `operation` is told when this wait ends, whichever way (the owning operation forgets it). */
  constructor(
    private readonly inner: Waitable<T>,
    private readonly options: WaitOptions,
    outer: Waiter<T>,
    private readonly operation?: BoundedWaitOwner<T>,
  ) {
    this.outer = outer;
  }

  /** Parks on the inner waitable and arms the deadline and the abort listener. */
  start(): void {
    const { signal, timeout } = this.options;
    if (signal?.aborted) {
      this.finish()?.fail(this.cancelledError());
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
    signal?.addEventListener('abort', this, ONCE);
  }

  /** Withdraws the wait (rule 4): true when it was still parked. */
  withdraw(): boolean {
    if (this.outer === null || !this.inner.unpark(this)) return false;
    this.finish();
    return true;
  }

  wake(value: T): boolean {
    const outer = this.finish();
    return outer !== null && outer.wake(value);
  }

  fail(error: unknown): boolean {
    const outer = this.finish();
    return outer !== null && outer.fail(error);
  }

  /** The abort listener (EventTarget calls `handleEvent` on listener objects). */
  handleEvent(): void {
    this.giveUp(this.cancelledError());
  }

  private giveUp(error: Error): void {
    if (this.inner.unpark(this)) this.finish()?.fail(error);
  }

  private finish(): Waiter<T> | null {
    const outer = this.outer;
    if (outer === null) return null;
    this.outer = null;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.options.signal?.removeEventListener('abort', this);
    this.operation?.settled(outer);
    return outer;
  }

  private cancelledError(): Cancelled {
    return new Cancelled('The wait was aborted by its signal', { cause: this.options.signal?.reason });
  }
}
