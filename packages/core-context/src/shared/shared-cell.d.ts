/**
 * The base of a primitive that lives in Int32 cells of shared memory (Futex, SpinLock):
 * self-allocating (no view: a fresh SharedArrayBuffer of exactly its cells) or placed at
 * `index` of the caller's Int32Array over a SharedArrayBuffer, checked here once. Another
 * worker opens the same primitive with the same view and index.
 */
export declare abstract class SharedCell {
    /** The shared view the cells live in (post its buffer to a worker to share the primitive). */
    readonly view: Int32Array;
    /** Index of the first cell in `view`. */
    readonly index: number;
    /** `slots`: how many cells from `index` it occupies; `what` names it in errors. */
    protected constructor(view: Int32Array | undefined, index: number, slots: number, what: string);
}
//# sourceMappingURL=shared-cell.d.ts.map