import { InvalidStateError } from '../errors.js';
const NEXT = 0;
const THROW = 1;
const RETURN = 2;
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
export class Coroutine {
    body;
    state = 'created';
    generator = null;
    unwinding = false;
    failure;
    constructor(body) {
        this.body = body;
        if (typeof body !== 'function') {
            throw new TypeError(`Coroutine needs a generator function, got ${typeof body}`);
        }
    }
    /** `'created'`, `'suspended'`, `'running'`, `'done'` or `'failed'`. */
    get status() {
        return this.state;
    }
    /** True once `cancel()` has begun unwinding the body (and while a `finally` of it suspends). */
    get cancelling() {
        return this.unwinding;
    }
    /** The error the body failed with (status `'failed'`), else undefined. */
    get error() {
        return this.failure;
    }
    /**
     * Runs the body until its next `yield` (returning the yielded value) or its end
     * (returning its return value; check `status === 'done'` to tell the two apart).
     * Throws what the body throws, and `InvalidStateError` unless the coroutine is
     * `'created'` or `'suspended'`.
     */
    resume(value) {
        if (this.state !== 'suspended')
            this.start(value);
        return this.advance(NEXT, value);
    }
    /**
     * Resumes the body by throwing `error` at the `yield` it is suspended at (a wait that
     * failed). Returns and throws like `resume`; a coroutine that has not started is failed
     * without running its body.
     */
    throwInto(error) {
        if (this.state === 'created') {
            this.state = 'failed';
            this.failure = error;
            throw error;
        }
        this.expectSuspended('throw into');
        return this.advance(THROW, error);
    }
    /**
     * Unwinds the coroutine: a suspended body runs its `finally` blocks; a body that never
     * started never runs. Returns undefined when the coroutine is finished (status
     * `'done'`), or the value a `finally` block suspended with (status `'suspended'`, see
     * the class notes). A no-op on a finished coroutine. Throws what a `finally` block
     * throws (status `'failed'`), and `InvalidStateError` when called from inside the
     * running body.
     */
    cancel() {
        if (this.state === 'done' || this.state === 'failed')
            return undefined;
        if (this.state === 'running') {
            throw new InvalidStateError('Cannot cancel a coroutine from inside its own body while it runs');
        }
        this.unwinding = true;
        if (this.state === 'created') {
            this.state = 'done';
            return undefined;
        }
        const value = this.advance(RETURN, undefined);
        return this.status === 'done' ? undefined : value;
    }
    start(first) {
        if (this.state !== 'created')
            this.expectSuspended('resume');
        let generator;
        try {
            generator = this.body(first);
        }
        catch (error) {
            throw this.fail(error);
        }
        if (typeof generator?.next !== 'function') {
            throw this.fail(new TypeError('The coroutine body must be a generator function (function*)'));
        }
        if (Symbol.asyncIterator in generator) {
            throw this.fail(new TypeError('The coroutine body must be a generator function (function*), not an async generator'));
        }
        this.generator = generator;
    }
    /** The one place the generator moves: `how` picks next / throw / return. */
    advance(how, arg) {
        this.state = 'running';
        const generator = this.generator;
        let step;
        try {
            step =
                how === NEXT
                    ? generator.next(arg)
                    : how === THROW
                        ? generator.throw(arg)
                        : generator.return(arg);
        }
        catch (error) {
            throw this.fail(error);
        }
        this.state = step.done === true ? 'done' : 'suspended';
        return step.value;
    }
    fail(error) {
        this.state = 'failed';
        this.failure = error;
        return error;
    }
    expectSuspended(action) {
        switch (this.state) {
            case 'suspended':
                return;
            case 'running':
                throw new InvalidStateError(`Cannot ${action} a coroutine that is running: a coroutine cannot resume itself; suspend with yield instead`);
            case 'done':
                throw new InvalidStateError(`Cannot ${action} a coroutine that has finished (status 'done')`);
            case 'failed':
                throw new InvalidStateError(`Cannot ${action} a coroutine that failed (status 'failed'); its error is the cause`, { cause: this.failure });
            case 'created':
                throw new InvalidStateError(`Cannot ${action} a coroutine that has not started; resume it first`);
        }
    }
}
//# sourceMappingURL=coroutine.js.map