import type { SinglyLinked } from '../intrusive/links.js';
/**
 * A unit of work an executor can run. It is intrusive: the object itself carries the
 * `next`/`owner` link, so submitting (and resubmitting) it allocates nothing. A fiber is
 * a Runnable; so is a task record of a pool.
 */
export interface Runnable extends SinglyLinked<Runnable> {
    run(): void;
}
/**
 * Executors are one method. `submit` takes a runnable that is not linked anywhere and
 * promises to call its `run()` exactly once, later or at once, on some thread the
 * executor owns. Library authors extend Spindle by implementing this interface.
 */
export interface Executor {
    submit(runnable: Runnable): void;
}
/**
 * A Runnable that calls a function: the convenient (allocating) way to submit a closure.
 * Hot paths implement Runnable on their own objects instead.
 */
export declare class FunctionRunnable implements Runnable {
    private readonly fn;
    next: Runnable | null;
    owner: object | null;
    constructor(fn: () => void);
    run(): void;
}
//# sourceMappingURL=executor.d.ts.map