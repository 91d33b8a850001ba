/**
 * The iterator `yield* op` drives: yields the operation once, then returns what the fiber
 * was resumed with. One small object instead of a generator, because a fiber waits through
 * it on every `yield*`. An operation may keep one for its next `yield*` (a Select does, so a
 * fiber loop over it allocates no iterator per round): `begin` starts a use, and while one
 * is `inUse` (another fiber yields the same operation then) the operation makes a new one.
 */
export class OperationStep {
    inUse = false;
    yielded = false;
    pending;
    finished = { done: true, value: undefined };
    constructor(operation) {
        this.pending = { done: false, value: operation };
    }
    /** Starts a `yield*` with this step. */
    begin() {
        this.inUse = true;
        this.yielded = false;
        return this;
    }
    next(resumedWith) {
        if (this.yielded)
            return this.end(resumedWith);
        this.yielded = true;
        return this.pending;
    }
    return(value) {
        return this.end(value);
    }
    throw(error) {
        this.inUse = false;
        throw error;
    }
    /** The driver reads `value` at once, so one result object serves every round. */
    end(value) {
        this.inUse = false;
        this.yielded = true;
        this.finished.value = value;
        return this.finished;
    }
}
//# sourceMappingURL=operation-step.js.map