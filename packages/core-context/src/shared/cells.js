/**
 * Checks and placement of the Int32 cells that shared-memory primitives live in. Every
 * primitive comes in two forms: self-allocating (no view: a fresh SharedArrayBuffer of
 * exactly its cells) or placed at `index` of the caller's Int32Array over a
 * SharedArrayBuffer, so many primitives can share one buffer that crosses worker threads.
 */
/** Throws TypeError/RangeError unless `view[index .. index + slots)` are shared Int32 cells. */
export function checkCells(view, index, slots, what) {
    if (!(view instanceof Int32Array)) {
        throw new TypeError(`${what} needs an Int32Array, got ${describe(view)}`);
    }
    if (!(view.buffer instanceof SharedArrayBuffer)) {
        throw new TypeError(`${what} needs an Int32Array over a SharedArrayBuffer (an ordinary ArrayBuffer cannot be waited on or shared between threads)`);
    }
    if (!Number.isInteger(index) || index < 0 || index + slots > view.length) {
        throw new RangeError(`${what}: index ${String(index)} is out of range: ${slots} Int32 slot(s) from it must fit in a view of length ${view.length}`);
    }
}
/** The view a primitive uses: the caller's (checked), or a fresh shared one of `slots` cells. */
export function placeCells(view, index, slots, what) {
    if (view === undefined) {
        if (index !== 0)
            throw new RangeError(`${what}: an index (${index}) needs a view to index into`);
        return new Int32Array(new SharedArrayBuffer(slots * Int32Array.BYTES_PER_ELEMENT));
    }
    checkCells(view, index, slots, what);
    return view;
}
function describe(value) {
    if (value === null)
        return 'null';
    if (typeof value !== 'object')
        return typeof value;
    return value.constructor?.name ?? 'an object';
}
//# sourceMappingURL=cells.js.map