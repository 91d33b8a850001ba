import { placeCells } from './cells.js';
/**
 * The base of a primitive that lives in Int32 cells of shared memory (Futex, SpinLock):
 * self-allocating (no view: a fresh SharedArrayBuffer of exactly its cells) or placed at
 * `index` of the caller's Int32Array over a SharedArrayBuffer, checked here once. Another
 * worker opens the same primitive with the same view and index.
 */
export class SharedCell {
    /** The shared view the cells live in (post its buffer to a worker to share the primitive). */
    view;
    /** Index of the first cell in `view`. */
    index;
    /** `slots`: how many cells from `index` it occupies; `what` names it in errors. */
    constructor(view, index, slots, what) {
        this.view = placeCells(view, index, slots, what);
        this.index = index;
    }
}
//# sourceMappingURL=shared-cell.js.map