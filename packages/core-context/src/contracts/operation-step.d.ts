import type { Operation } from './operation.js';
/**
 * The iterator `yield* op` drives: yields the operation once, then returns what the fiber
 * was resumed with. One small object instead of a generator, because a fiber waits through
 * it on every `yield*`. An operation may keep one for its next `yield*` (a Select does, so a
 * fiber loop over it allocates no iterator per round): `begin` starts a use, and while one
 * is `inUse` (another fiber yields the same operation then) the operation makes a new one.
 */
export declare class OperationStep<T> implements Iterator<Operation<T>, T, T> {
    inUse: boolean;
    private yielded;
    private readonly pending;
    private readonly finished;
    constructor(operation: Operation<T>);
    /** Starts a `yield*` with this step. */
    begin(): this;
    next(resumedWith: T): IteratorResult<Operation<T>, T>;
    return(value: T): IteratorResult<Operation<T>, T>;
    throw(error: unknown): IteratorResult<Operation<T>, T>;
    /** The driver reads `value` at once, so one result object serves every round. */
    private end;
}
//# sourceMappingURL=operation-step.d.ts.map