/** Where a coroutine is in its life. */
export type CoroutineStatus = 'created' | 'suspended' | 'running' | 'done' | 'failed';
/**
 * The body of a coroutine: a generator function. It is called on the first `resume`, with
 * that call's value as its argument; every later `resume(value)` becomes the value of the
 * `yield` the body is suspended at.
 */
export type CoroutineBody<Yield, Return, Resume> = (first: Resume) => Generator<Yield, Return, NoInfer<Resume>>;
/**
 * A stackless coroutine over a generator function: the JavaScript twin of the native
 * coroutines. The resumer drives it with `resume(value)`; the body suspends with a plain
 * `yield value`, which `resume` returns; when the body returns, `resume` returns its
 * return value and the status becomes `'done'`.
 *
 * - An error thrown by the body propagates out of `resume` (status `'failed'`).
 * - `cancel()` unwinds a suspended body through generator `return()`, so its `finally`
 *   blocks run. A `finally` block may itself `yield` (to wait for async cleanup): then
 *   `cancel()` returns that value, the status is `'suspended'` again with `cancelling`
 *   true, and the resumer resumes it as usual until it finishes (status `'done'`).
 *   Calling `cancel()` again at that point forces the unwind: the rest of that `finally`
 *   block is skipped, outer `finally` blocks still run.
 * - Resuming a coroutine that is running, done or failed throws `InvalidStateError`.
 *
 * `resume` costs one generator `next()` plus a status check and update.
 *
 * Why `@spindle/fiber` does not build on Coroutine: a fiber's task drives its generator
 * directly (`gen.next`/`throw`/`return` in one loop) because the task is at once its
 * executor's run-queue node, the waiter it parks on every waitable, and the holder of its
 * cancellation token, with one flags word for all three. A Coroutine per fiber would add an
 * object per spawn and a call layer and a second status machine on every resume, the
 * hottest path of the package, and its `cancel()` (a `return()` now, a forced unwind on
 * a second call) is not the fiber's halt, which goes through the fiber's token and waits
 * for a `'pending'` withdrawal. Coroutine is the general form for code that wants a
 * resumable generator without a scheduler.
 */
export declare class Coroutine<Yield = unknown, Return = unknown, Resume = unknown> {
    private readonly body;
    private state;
    private generator;
    private unwinding;
    private failure;
    constructor(body: CoroutineBody<Yield, Return, Resume>);
    /** `'created'`, `'suspended'`, `'running'`, `'done'` or `'failed'`. */
    get status(): CoroutineStatus;
    /** True once `cancel()` has begun unwinding the body (and while a `finally` of it suspends). */
    get cancelling(): boolean;
    /** The error the body failed with (status `'failed'`), else undefined. */
    get error(): unknown;
    /**
     * Runs the body until its next `yield` (returning the yielded value) or its end
     * (returning its return value; check `status === 'done'` to tell the two apart).
     * Throws what the body throws, and `InvalidStateError` unless the coroutine is
     * `'created'` or `'suspended'`.
     */
    resume(value?: Resume): Yield | Return;
    /**
     * Resumes the body by throwing `error` at the `yield` it is suspended at (a wait that
     * failed). Returns and throws like `resume`; a coroutine that has not started is failed
     * without running its body.
     */
    throwInto(error: unknown): Yield | Return;
    /**
     * Unwinds the coroutine: a suspended body runs its `finally` blocks; a body that never
     * started never runs. Returns undefined when the coroutine is finished (status
     * `'done'`), or the value a `finally` block suspended with (status `'suspended'`, see
     * the class notes). A no-op on a finished coroutine. Throws what a `finally` block
     * throws (status `'failed'`), and `InvalidStateError` when called from inside the
     * running body.
     */
    cancel(): Yield | undefined;
    private start;
    /** The one place the generator moves: `how` picks next / throw / return. */
    private advance;
    private fail;
    private expectSuspended;
}
//# sourceMappingURL=coroutine.d.ts.map