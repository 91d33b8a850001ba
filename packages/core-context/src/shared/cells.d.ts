/**
 * Checks and placement of the Int32 cells that shared-memory primitives live in. Every
 * primitive comes in two forms: self-allocating (no view: a fresh SharedArrayBuffer of
 * exactly its cells) or placed at `index` of the caller's Int32Array over a
 * SharedArrayBuffer, so many primitives can share one buffer that crosses worker threads.
 */
/** Throws TypeError/RangeError unless `view[index .. index + slots)` are shared Int32 cells. */
export declare function checkCells(view: Int32Array, index: number, slots: number, what: string): void;
/** The view a primitive uses: the caller's (checked), or a fresh shared one of `slots` cells. */
export declare function placeCells(view: Int32Array | undefined, index: number, slots: number, what: string): Int32Array;
//# sourceMappingURL=cells.d.ts.map