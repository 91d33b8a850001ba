/**
 * A Runnable that calls a function: the convenient (allocating) way to submit a closure.
 * Hot paths implement Runnable on their own objects instead.
 */
export class FunctionRunnable {
    fn;
    next = null;
    owner = null;
    constructor(fn) {
        this.fn = fn;
    }
    run() {
        this.fn();
    }
}
//# sourceMappingURL=executor.js.map