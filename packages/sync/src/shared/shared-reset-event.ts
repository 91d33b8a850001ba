import { checkWaitOptions, futexWake, type Operation, type WaitOptions } from '@spindle/core-context';
import { blockingTimeout } from '../wait-options.js';
import { CellWait } from './cell-wait.js';
import { impossibleState, initializing, SharedCells, withoutReset } from './cells.js';

/** A manual-reset event in one Int32 cell (0 clear, 1 set), shared by worker threads. */
export class SharedResetEvent extends SharedCells {
  static readonly INT32_SLOTS = 1;

  /** A clear event in its own buffer, or placed (clear) at `index` of the caller's view. */
  constructor(view?: Int32Array, index = 0) {
    super(view, index, SharedResetEvent.INT32_SLOTS, 'SharedResetEvent');
    if (!initializing()) {
      const state = Atomics.load(this.view, index);
      if (state !== 0 && state !== 1) throw impossibleState('SharedResetEvent', index, `the value ${state}`);
    } else if (view !== undefined) {
      Atomics.store(this.view, index, 0);
    }
  }

  /**
   * Opens the SharedResetEvent whose cells start at `index` of `view` without resetting them: how
   * a worker that was posted the buffer opens a live one (`new` would reset its state).
   */
  static attach(view: Int32Array, index = 0): SharedResetEvent {
    return withoutReset(() => new SharedResetEvent(view, index));
  }

  isSet(): boolean {
    return Atomics.load(this.view, this.index) === 1;
  }

  set(): void {
    Atomics.store(this.view, this.index, 1);
    futexWake(this.view, this.index);
  }

  reset(): void {
    Atomics.store(this.view, this.index, 0);
  }

  /** Waits until the event is set, parking the caller without blocking the thread. */
  wait(options?: WaitOptions): Operation<void> {
    return this.cellWait(checkWaitOptions(options, 'SharedResetEvent.wait'));
  }

  /** Waits by blocking this worker thread (BlockingCallError on the main thread). */
  waitBlocking(options?: { timeout?: number }): void {
    this.cellWait(undefined).block(
      'SharedResetEvent.waitBlocking',
      blockingTimeout(options, 'SharedResetEvent.waitBlocking'),
    );
  }

  private cellWait(options: WaitOptions | undefined): CellWait {
    return new CellWait(this.view, this.index, 0, false, 'SharedResetEvent.wait()', options);
  }
}
