import {
  checkWaitOptions,
  futexWake,
  NotHeldError,
  type Operation,
  type WaitOptions,
} from '@spindle/core-context';
import { blockingTimeout } from '../wait-options.js';
import { CellWait } from './cell-wait.js';
import { impossibleState, initializing, SharedCells, withoutReset } from './cells.js';

/** The largest count one Int32 cell holds. */
const MAX_COUNT = 2 ** 31 - 1;

/** A wait group counter in one Int32 cell, shared by worker threads (at most 2,147,483,647). */
export class SharedWaitGroup extends SharedCells {
  static readonly INT32_SLOTS = 1;

  /** A zero counter in its own buffer, or placed (zeroed) at `index` of the caller's view. */
  constructor(view?: Int32Array, index = 0) {
    super(view, index, SharedWaitGroup.INT32_SLOTS, 'SharedWaitGroup');
    if (!initializing()) {
      if (this.count < 0) throw impossibleState('SharedWaitGroup', index, `the count ${this.count}`);
    } else if (view !== undefined) {
      Atomics.store(this.view, index, 0);
    }
  }

  /**
   * Opens the SharedWaitGroup whose cells start at `index` of `view` without resetting them: how
   * a worker that was posted the buffer opens a live one (`new` would reset its state).
   */
  static attach(view: Int32Array, index = 0): SharedWaitGroup {
    return withoutReset(() => new SharedWaitGroup(view, index));
  }

  get count(): number {
    return Atomics.load(this.view, this.index);
  }

  /** Adds `delta` (may be negative). Throws NotHeldError when the count would go below zero. */
  add(delta = 1): void {
    if (!Number.isInteger(delta))
      throw new RangeError(`SharedWaitGroup.add delta must be an integer, got ${String(delta)}`);
    const { view, index } = this;
    for (;;) {
      const count = Atomics.load(view, index);
      const next = count + delta;
      if (next > MAX_COUNT) {
        throw new RangeError(
          `SharedWaitGroup.add(${delta}) would raise the count to ${next}, above ${MAX_COUNT} (it lives in one Int32 cell)`,
        );
      }
      if (next < 0) {
        throw new NotHeldError(
          `SharedWaitGroup counter would go below zero (${next}): more done() calls than add()`,
        );
      }
      if (Atomics.compareExchange(view, index, count, next) !== count) continue;
      if (next === 0) futexWake(view, index);
      return;
    }
  }

  done(): void {
    this.add(-1);
  }

  /** Waits until the count is zero, parking the caller without blocking the thread. */
  wait(options?: WaitOptions): Operation<void> {
    return this.cellWait(checkWaitOptions(options, 'SharedWaitGroup.wait'));
  }

  /** Waits by blocking this worker thread (BlockingCallError on the main thread). */
  waitBlocking(options?: { timeout?: number }): void {
    this.cellWait(undefined).block(
      'SharedWaitGroup.waitBlocking',
      blockingTimeout(options, 'SharedWaitGroup.waitBlocking'),
    );
  }

  private cellWait(options: WaitOptions | undefined): CellWait {
    return new CellWait(this.view, this.index, 0, true, 'SharedWaitGroup.wait()', options);
  }
}
