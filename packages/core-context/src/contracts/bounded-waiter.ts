import { Cancelled, TimeoutError } from '../errors.js';
import { Timer } from '../timers/timer.js';
import type { CancelListener } from './cancel.js';
import type { UnparkResult, Waitable, Waiter, WaitOptions } from './wait.js';

/** Told when a BoundedWaiter's wait ends, whichever way (the owning operation forgets it). */
export interface BoundedWaitOwner<T> {
  settled(outer: Waiter<T>): void;
}

const ONCE = { once: true } as const;

/**
 * One wait with a deadline, an abort signal and/or a cancel token. It stands between the
 * caller's waiter (`outer`) and the inner waitable, so it can disarm its limits when the
 * inner outcome arrives; claims pass straight through to the outer waiter (a bounded wait
 * can be a select case). Each instance serves exactly one wait: awaiting a `bounded()`
 * operation twice builds two of them. It is its own abort listener (`handleEvent`) and
 * deadline (a Timer on the thread's shared heap), so a park allocates only itself.
 *
 * When a limit fires and the inner waitable answers `'pending'` (its withdrawal finishes
 * later), the wait goes on until that final outcome: a value is delivered (the operation
 * completed after all, nothing is lost), a failure is replaced by the limit's error.
 */
export class BoundedWaiter<T> extends Timer implements Waiter<T> {
  next: Waiter | null = null;
  prev: Waiter | null = null;
  owner: object | null = null;
  private outer: Waiter<T> | null;
  private tokenLink: TokenLink | null = null;
  /** The limit's error, once a limit fired and the inner withdrawal is still pending. */
  private gaveUpWith: Error | null = null;

  /** `operation` is told when this wait ends, whichever way (the owning operation forgets it). */
  constructor(
    private readonly inner: Waitable<T>,
    private readonly options: WaitOptions,
    outer: Waiter<T>,
    private readonly operation?: BoundedWaitOwner<T>,
  ) {
    super();
    this.outer = outer;
  }

  get group(): object {
    return this.outer?.group ?? this;
  }

  /** Parks on the inner waitable and arms the deadline, the abort listener and the token listener. */
  begin(): void {
    const { signal, timeout, token } = this.options;
    if (signal?.aborted) {
      this.finish()?.fail(this.abortedError());
      return;
    }
    if (token?.cancelled) {
      this.finish()?.fail(token.reason);
      return;
    }
    this.inner.park(this);
    if (this.outer === null || this.gaveUpWith !== null) return; // completed synchronously
    if (timeout !== undefined) this.start(timeout);
    signal?.addEventListener('abort', this, ONCE);
    if (token !== undefined) {
      this.tokenLink = new TokenLink(this);
      token.listen(this.tokenLink);
    }
  }

  /** Withdraws the wait (rule 4). */
  withdraw(): UnparkResult {
    if (this.outer === null) return false;
    const result = this.inner.unpark(this);
    if (result === true) this.finish();
    return result;
  }

  claim(): boolean {
    const outer = this.outer;
    return outer !== null && outer.claim();
  }

  release(): void {
    this.outer?.release();
  }

  settle(ok: boolean, outcome: unknown): void {
    const gaveUpWith = this.gaveUpWith;
    const outer = this.finish()!;
    if (!ok && gaveUpWith !== null) outer.settle(false, gaveUpWith);
    else outer.settle(ok, outcome);
  }

  wake(value: T): boolean {
    if (!this.claim()) {
      this.finish(); // the outer waiter is done with this wait: drop the limits
      return false;
    }
    this.settle(true, value);
    return true;
  }

  fail(error: unknown): boolean {
    if (!this.claim()) {
      this.finish();
      return false;
    }
    this.settle(false, error);
    return true;
  }

  /** The timeout (the shared heap calls it). */
  expire(): void {
    this.giveUp(new TimeoutError(`The wait timed out after ${this.options.timeout} ms`));
  }

  /** The abort listener (EventTarget calls `handleEvent` on listener objects). */
  handleEvent(): void {
    this.giveUp(this.abortedError());
  }

  /** @internal the token was cancelled */
  giveUp(error: Error): void {
    if (this.outer === null || this.gaveUpWith !== null) return;
    const result = this.inner.unpark(this);
    if (result === true) this.finish()?.fail(error);
    else if (result === 'pending') {
      this.gaveUpWith = error;
      this.disarm();
    }
  }

  private finish(): Waiter<T> | null {
    const outer = this.outer;
    if (outer === null) return null;
    this.outer = null;
    this.disarm();
    this.operation?.settled(outer);
    return outer;
  }

  private disarm(): void {
    if (this.armed) this.stop();
    this.options.signal?.removeEventListener('abort', this);
    if (this.tokenLink !== null) {
      this.options.token!.unlisten(this.tokenLink);
      this.tokenLink = null;
    }
  }

  private abortedError(): Cancelled {
    return new Cancelled('The wait was aborted by its signal', { cause: this.options.signal?.reason });
  }
}

/** A BoundedWaiter's node in its token's listeners (its own links belong to the inner waitable). */
class TokenLink implements CancelListener {
  next: CancelListener | null = null;
  prev: CancelListener | null = null;
  owner: object | null = null;

  constructor(private readonly wait: BoundedWaiter<unknown>) {}

  onCancel(reason: Cancelled): void {
    this.wait.giveUp(reason);
  }
}
