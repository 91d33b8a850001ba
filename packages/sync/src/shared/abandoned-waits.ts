import { type FutexWaitResult, futexWait, futexWake } from '@spindle/core-context';

/**
 * Cells on which this thread gave up an async futex wait (a timeout, an abort, a halt).
 * V8 cannot withdraw such a waiter: it stays first in line until a wake reaches it, and
 * it passes that wake on only when this thread's event loop runs. While this thread
 * blocks in a `*Blocking()` call, that wake would be held up; so blocking waits on these
 * cells wait in slices and pass a wake on after each. Kept per buffer, for the thread's
 * lifetime: whether V8 has settled the abandoned waiter is not observable.
 */
const abandoned = new WeakMap<ArrayBufferLike, Set<number>>();

/** How long a blocking wait on a cell with an abandoned waiter sleeps before it looks again. */
const SLICE_MS = 5;

/** Records that this thread abandoned an async wait on `view[index]`. */
export function noteAbandonedWait(view: Int32Array, index: number): void {
  let cells = abandoned.get(view.buffer);
  if (cells === undefined) abandoned.set(view.buffer, (cells = new Set()));
  cells.add(absoluteIndex(view, index));
}

/**
 * `futexWait`, except on a cell with an abandoned waiter: there it sleeps at most
 * SLICE_MS, then wakes one waiter (the abandoned one, or a live one that re-checks) in
 * case the abandoned one took a wake meant for someone else, and reports 'ok' so the
 * caller re-checks its condition.
 */
export function blockingWait(
  view: Int32Array,
  index: number,
  expected: number,
  timeout?: number,
): FutexWaitResult {
  if (abandoned.get(view.buffer)?.has(absoluteIndex(view, index)) !== true) {
    return futexWait(view, index, expected, timeout);
  }
  const slice = Math.min(timeout ?? Number.POSITIVE_INFINITY, SLICE_MS);
  const outcome = futexWait(view, index, expected, slice);
  if (outcome !== 'timed-out') return outcome;
  futexWake(view, index, 1);
  return slice === timeout ? 'timed-out' : 'ok';
}

function absoluteIndex(view: Int32Array, index: number): number {
  return view.byteOffset / Int32Array.BYTES_PER_ELEMENT + index;
}
