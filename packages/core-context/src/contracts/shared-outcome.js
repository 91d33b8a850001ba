import { List } from '../intrusive/list.js';
import { Operation } from './operation.js';
const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;
/**
 * The base of an operation over ONE outcome that every waiter shares (a fiber's result, a
 * pool task's result, a promise, a Deferred): it settles once, and every wait on it, before
 * or after, gets that same outcome. Withdrawing a waiter leaves no trace, so it can be a
 * select case. Waiting allocates no list until a second waiter parks at the same time.
 *
 * Subclasses settle it through `settleOutcome` and may hook the first park (start the work
 * lazily) and a withdrawal (cancel work nobody waits for any more).
 */
export class SharedOutcome extends Operation {
    #state = PENDING;
    #outcome = undefined;
    #waiter = null;
    #moreWaiters = null;
    /** Withdrawing a waiter leaves no trace (a prototype getter: no field per outcome). */
    get selectable() {
        return true;
    }
    /** True once settled. */
    get settled() {
        return this.#state !== PENDING;
    }
    /** Number of waiters parked now. */
    get waiterCount() {
        return (this.#waiter === null ? 0 : 1) + (this.#moreWaiters?.size ?? 0);
    }
    park(waiter) {
        if (this.#state !== PENDING) {
            this.#deliver(waiter);
            return;
        }
        if (this.#waiter === null)
            this.#waiter = waiter;
        else
            (this.#moreWaiters ??= new List()).pushBack(waiter);
        this.parked(waiter);
    }
    /** A select's first pass: delivers a settled outcome now; false (nothing kept) while pending. */
    poll(waiter) {
        return this.#state !== PENDING && this.#deliver(waiter);
    }
    unpark(waiter) {
        if (this.#waiter === waiter)
            this.#waiter = null;
        else if (this.#moreWaiters === null || !this.#moreWaiters.remove(waiter))
            return false;
        return this.withdrawn(waiter);
    }
    /**
     * Settles with a value (`ok`) or an error and hands it to every parked waiter (a waiter
     * that refuses is simply done: the outcome stays here for later waits). False when it
     * had settled already.
     */
    settleOutcome(ok, outcome) {
        if (this.#state !== PENDING)
            return false;
        this.#state = ok ? FULFILLED : REJECTED;
        this.#outcome = outcome;
        const first = this.#waiter;
        this.#waiter = null;
        if (first !== null)
            this.#deliver(first);
        const more = this.#moreWaiters;
        if (more !== null)
            for (let w = more.popFront(); w !== null; w = more.popFront())
                this.#deliver(w);
        return true;
    }
    /** Called after `waiter` parked on the pending outcome (e.g. to start the work on first park). */
    parked(_waiter) { }
    /**
     * Called after `waiter` was withdrawn from the pending outcome; its answer is `unpark`'s.
     * Override to cancel work nobody waits for (return `'pending'` when the waiter must then
     * wait for that work to end). The base has already dropped `waiter`, so after answering
     * `'pending'` the subclass owes it the one final outcome and must deliver it itself
     * (`settleOutcome` no longer reaches it).
     */
    withdrawn(_waiter) {
        return true;
    }
    #deliver(waiter) {
        return this.#state === FULFILLED ? waiter.wake(this.#outcome) : waiter.fail(this.#outcome);
    }
}
/**
 * A promise/resolver pair as an Operation: `await d` or `yield* d` waits until someone calls
 * `resolve` or `reject`; every wait, before or after, sees that one outcome.
 *
 * ```ts
 * const ready = new Deferred<string>();
 * setTimeout(() => ready.resolve('loaded'), 10);
 * await ready; // 'loaded'
 * ```
 */
export class Deferred extends SharedOutcome {
    /** Settles with `value`; false when it had settled already. */
    resolve(value) {
        return this.settleOutcome(true, value);
    }
    /** Settles with `error`; false when it had settled already. */
    reject(error) {
        return this.settleOutcome(false, error);
    }
    describe() {
        return this.settled ? 'a settled Deferred' : 'a pending Deferred';
    }
}
//# sourceMappingURL=shared-outcome.js.map