import { CancelCallback, Cancelled, type CancelToken, type DoublyLinked, List } from '@spindle/core-context';
import type { PendingTasks } from './pending.js';

/**
 * A `submit()` waiting for room: a node of the waiters' list, so an abort unlinks it in
 * O(1), and its signal's listener (`handleEvent`).
 */
class RoomWaiter implements DoublyLinked<RoomWaiter> {
  next: RoomWaiter | null = null;
  prev: RoomWaiter | null = null;
  owner: object | null = null;
  /** Its node in the token's listeners (its own links belong to the waiters' list). */
  tokenLink: CancelCallback | null = null;

  constructor(
    readonly wake: () => void,
    readonly signal: AbortSignal | undefined,
    readonly token: CancelToken | undefined,
    /** It stops waiting, refused with `reason`. */
    readonly cancel: (reason: Cancelled) => void,
  ) {}

  /** The signal aborted. */
  handleEvent(): void {
    this.cancel(abortedWhileWaiting(this.signal));
  }

  /** Stops listening to the signal and the token. */
  detach(): void {
    this.signal?.removeEventListener('abort', this);
    if (this.tokenLink !== null) this.token!.unlisten(this.tokenLink);
  }
}

/** The `maxQueue` bound: whether the pool is full, and the `submit()` calls waiting for room. */
export class Backpressure {
  private readonly roomWaiters = new List<RoomWaiter>();
  /** Waiters woken and not yet resumed: each holds a free place until its submit() takes it. */
  private granted = 0;
  private closed = false;

  constructor(
    private readonly pending: PendingTasks,
    private readonly maxQueue: number,
    private readonly workers: number,
  ) {}

  /** Whether no place is free: places held by woken, not yet resumed waiters count as taken. */
  isFull(): boolean {
    return this.pending.count + this.granted >= this.maxQueue + this.workers;
  }

  /**
   * Resolves when a place is held for the caller (or the pool closed); rejects with `Cancelled`
   * as soon as `signal` aborts (or with the token's reason once `token` is cancelled). After
   * it resolves the caller must call `resumed()` at once.
   */
  waitForRoom(signal: AbortSignal | undefined, token?: CancelToken): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortedWhileWaiting(signal));
        return;
      }
      if (token?.cancelled) {
        reject(token.reason);
        return;
      }
      const waiter = new RoomWaiter(
        () => {
          this.granted++;
          resolve();
        },
        signal,
        token,
        (reason) => {
          this.roomWaiters.remove(waiter);
          waiter.detach();
          reject(reason);
        },
      );
      this.roomWaiters.pushBack(waiter);
      signal?.addEventListener('abort', waiter, { once: true });
      if (token !== undefined) {
        waiter.tokenLink = new CancelCallback(waiter.cancel);
        if (!token.listen(waiter.tokenLink)) waiter.cancel(token.reason!); // cancelled by the signal's listeners
      }
    });
  }

  /** A woken waiter resumed: the place held for it is its own to take now (or to leave). */
  resumed(): void {
    this.granted--;
  }

  /**
   * Wakes, in FIFO order, one waiter per free place (all of them once the pool closes), each
   * holding its place until it resumes, so a completion wakes only the waiters that can enter.
   */
  wake(): void {
    while (!this.roomWaiters.isEmpty && (this.closed || !this.isFull())) {
      const waiter = this.roomWaiters.popFront()!;
      waiter.detach();
      waiter.wake();
    }
  }

  /** The pool stops accepting tasks: every waiter wakes (and its submit() fails). */
  close(): void {
    this.closed = true;
    this.wake();
  }
}

function abortedWhileWaiting(signal: AbortSignal | undefined): Cancelled {
  return new Cancelled('submit() was aborted while waiting for room', { cause: signal?.reason });
}
