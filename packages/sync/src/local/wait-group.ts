import {
  bounded,
  checkWaitOptions,
  List,
  NotHeldError,
  type Operation,
  type Waiter,
  type WaitOptions,
} from '@spindle/core-context';
import { WaitUntilReady, wakeAll } from './waiter-list.js';

/** Counts outstanding work: `add` before starting, `done` after, `wait` until zero. */
export class WaitGroup {
  private counter = 0;
  private readonly waiters = new List<Waiter<void>>();
  private readonly waitOperation = new WaitUntilReady(
    () => this.counter === 0,
    this.waiters,
    'WaitGroup.wait()',
  );

  /** Outstanding count. */
  get count(): number {
    return this.counter;
  }

  /** Adds `delta` (may be negative). Throws NotHeldError when the count would go below zero. */
  add(delta = 1): void {
    if (!Number.isInteger(delta))
      throw new RangeError(`WaitGroup.add delta must be an integer, got ${String(delta)}`);
    const next = this.counter + delta;
    if (next < 0) {
      throw new NotHeldError(`WaitGroup counter would go below zero (${next}): more done() calls than add()`);
    }
    this.counter = next;
    if (next === 0) wakeAll(this.waiters, undefined);
  }

  done(): void {
    this.add(-1);
  }

  /** Waits until the count is zero. */
  wait(options?: WaitOptions): Operation<void> {
    return bounded(this.waitOperation, checkWaitOptions(options, 'WaitGroup.wait'));
  }
}
