import { Cancelled } from '@spindle/core-context';
import type { PendingTasks } from './pending.js';

/** The `maxQueue` bound: whether the pool is full, and the `submit()` calls waiting for room. */
export class Backpressure {
  private readonly roomWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly pending: PendingTasks,
    private readonly maxQueue: number,
    private readonly workers: number,
  ) {}

  isFull(): boolean {
    return this.pending.count >= this.maxQueue + this.workers;
  }

  /** Resolves when the queue may have room; rejects with `Cancelled` as soon as `signal` aborts. */
  waitForRoom(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const cancelled = () =>
        new Cancelled('submit() was aborted while waiting for room', { cause: signal?.reason });
      if (signal?.aborted) {
        reject(cancelled());
        return;
      }
      const onAbort = () => {
        const index = this.roomWaiters.indexOf(wake);
        if (index >= 0) this.roomWaiters.splice(index, 1);
        reject(cancelled());
      };
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.roomWaiters.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Wakes the waiters there is room for now (all of them once the pool closes). */
  wake(): void {
    while (this.roomWaiters.length > 0 && (!this.isFull() || this.closed)) this.roomWaiters.shift()!();
  }

  /** The pool stops accepting tasks: every waiter wakes (and its submit() fails). */
  close(): void {
    this.closed = true;
    this.wake();
  }
}
