/**
 * This thread's async futex waiters that were abandoned (their signal aborted) and that V8
 * has not settled yet. V8 cannot withdraw a pending `Atomics.waitAsync`: it stays in the
 * cell's waiter list, ahead of later waiters, until a wake or its own timeout settles it,
 * and a wake that reaches it is passed on only when this thread's event loop runs. A
 * blocking wait on such a cell must not rely on being woken (see `futexWait`).
 *
 * Counted per buffer and absolute cell index, so views at different offsets of one
 * buffer agree on a cell. Entries go when their count drops to zero, so the map is empty
 * (and the blocking fast path a size check) whenever no abandoned waiter is pending.
 */
const pendingByBuffer = new Map();
/** Counts a waiter on `view[index]` that this thread abandoned before V8 settled it. */
export function noteAbandonedWaiter(view, index) {
    let cells = pendingByBuffer.get(view.buffer);
    if (cells === undefined)
        pendingByBuffer.set(view.buffer, (cells = new Map()));
    const cell = absoluteIndex(view, index);
    cells.set(cell, (cells.get(cell) ?? 0) + 1);
}
/** Uncounts an abandoned waiter on `view[index]` once its `waitAsync` promise resolved. */
export function noteAbandonedWaiterSettled(view, index) {
    // Only futexWaitAsync calls this, once per waiter it counted: the entry exists.
    const cells = pendingByBuffer.get(view.buffer);
    const cell = absoluteIndex(view, index);
    const left = cells.get(cell) - 1;
    if (left > 0) {
        cells.set(cell, left);
        return;
    }
    cells.delete(cell);
    if (cells.size === 0)
        pendingByBuffer.delete(view.buffer);
}
/** True while this thread has an abandoned, unsettled async waiter on `view[index]`. */
export function hasAbandonedWaiter(view, index) {
    if (pendingByBuffer.size === 0)
        return false;
    return pendingByBuffer.get(view.buffer)?.has(absoluteIndex(view, index)) === true;
}
function absoluteIndex(view, index) {
    return view.byteOffset / Int32Array.BYTES_PER_ELEMENT + index;
}
//# sourceMappingURL=abandoned-waiters.js.map