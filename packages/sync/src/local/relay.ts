import { Operation, type Waiter } from '@spindle/core-context';

/**
 * An operation that stands in a primitive's queue for the caller's waiter (the caller's
 * node cannot carry what the primitive needs: a weight, a second phase) and relays the
 * result to it. One per wait.
 */
export abstract class Relay<T> extends Operation<T> implements Waiter<T> {
  next: Waiter | null = null;
  prev: Waiter | null = null;
  owner: object | null = null;
  private outer: Waiter<T> | null = null;

  /** Queues this relay in the primitive (it may complete it at once). */
  protected abstract enter(): void;
  /** Takes this relay out of the primitive; false when it was no longer there. */
  protected abstract leave(): boolean;

  park(waiter: Waiter<T>): void {
    this.outer = waiter;
    this.enter();
  }

  unpark(waiter: Waiter<T>): boolean {
    if (this.outer !== waiter || !this.leave()) return false;
    this.outer = null;
    return true;
  }

  /** True while the caller still waits for this relay's result. */
  protected get pending(): boolean {
    return this.outer !== null;
  }

  /** The caller's group: a relay standing for a select case belongs to that select. */
  get group(): object {
    return this.outer?.group ?? this;
  }

  claim(): boolean {
    return this.outer !== null && this.outer.claim();
  }

  release(): void {
    this.outer?.release();
  }

  settle(ok: boolean, outcome: unknown): void {
    this.detach()?.settle(ok, outcome);
  }

  wake(value: T): boolean {
    const outer = this.detach();
    return outer !== null && outer.wake(value);
  }

  fail(error: unknown): boolean {
    const outer = this.detach();
    return outer !== null && outer.fail(error);
  }

  /** Detaches the caller's waiter, so it gets one result at most. */
  private detach(): Waiter<T> | null {
    const outer = this.outer;
    this.outer = null;
    return outer;
  }
}
