import { futexWake } from '@spindle/core-context';

/** This thread's async futex sleeps on one cell: the live ones and the abandoned ones V8 still keeps. */
export interface CellSleeps {
  live: number;
  abandoned: number;
}

const byBuffer = new WeakMap<ArrayBufferLike, Map<number, CellSleeps>>();

/** The sleeps of this thread on `view[cell]`; the caller counts itself in `live`. */
export function cellSleeps(view: Int32Array, cell: number): CellSleeps {
  let cells = byBuffer.get(view.buffer);
  if (cells === undefined) {
    cells = new Map();
    byBuffer.set(view.buffer, cells);
  }
  const at = view.byteOffset / Int32Array.BYTES_PER_ELEMENT + cell;
  let sleeps = cells.get(at);
  if (sleeps === undefined) {
    sleeps = { live: 0, abandoned: 0 };
    cells.set(at, sleeps);
  }
  return sleeps;
}

/** A live sleep ended (woken, timed out). */
export function sleepEnded(view: Int32Array, cell: number, sleeps: CellSleeps): void {
  sleeps.live--;
  letGoIfOutnumbered(view, cell, sleeps);
}

/**
 * A live sleep was abandoned (aborted, halted). V8 cannot withdraw an async futex waiter,
 * and waking the cell to let it go wakes every waiter of the cell, the live ones to sleep
 * again: doing that on every abandon made N aborts among N waits cost N². So the abandoned
 * waiters of this thread pile up until they outnumber its live ones, then one wake lets
 * them all go: amortised O(1) per abandon, and never more than about twice the live
 * sleeps held. (A wake that lands on an abandoned waiter meanwhile is passed on by it.)
 */
export function sleepAbandoned(view: Int32Array, cell: number, sleeps: CellSleeps): void {
  sleeps.live--;
  sleeps.abandoned++;
  letGoIfOutnumbered(view, cell, sleeps);
}

/** Keeps the abandoned waiters at most as many as the live ones (so none once no sleep is left). */
function letGoIfOutnumbered(view: Int32Array, cell: number, sleeps: CellSleeps): void {
  if (sleeps.abandoned > sleeps.live) {
    sleeps.abandoned = 0;
    futexWake(view, cell);
  }
  if (sleeps.live === 0 && sleeps.abandoned === 0) {
    byBuffer.get(view.buffer)?.delete(view.byteOffset / Int32Array.BYTES_PER_ELEMENT + cell);
  }
}
