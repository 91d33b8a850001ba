import { Operation } from './operation.js';
import type { UnparkResult, Waiter } from './wait.js';
/**
 * The base of an operation over ONE outcome that every waiter shares (a fiber's result, a
 * pool task's result, a promise, a Deferred): it settles once, and every wait on it, before
 * or after, gets that same outcome. Withdrawing a waiter leaves no trace, so it can be a
 * select case. Waiting allocates no list until a second waiter parks at the same time.
 *
 * Subclasses settle it through `settleOutcome` and may hook the first park (start the work
 * lazily) and a withdrawal (cancel work nobody waits for any more).
 */
export declare abstract class SharedOutcome<T> extends Operation<T> {
    #private;
    /** Withdrawing a waiter leaves no trace (a prototype getter: no field per outcome). */
    get selectable(): boolean;
    /** True once settled. */
    get settled(): boolean;
    /** Number of waiters parked now. */
    protected get waiterCount(): number;
    park(waiter: Waiter<T>): void;
    /** A select's first pass: delivers a settled outcome now; false (nothing kept) while pending. */
    poll(waiter: Waiter<T>): boolean;
    unpark(waiter: Waiter<T>): UnparkResult;
    /**
     * Settles with a value (`ok`) or an error and hands it to every parked waiter (a waiter
     * that refuses is simply done: the outcome stays here for later waits). False when it
     * had settled already.
     */
    protected settleOutcome(ok: boolean, outcome: unknown): boolean;
    /** Called after `waiter` parked on the pending outcome (e.g. to start the work on first park). */
    protected parked(_waiter: Waiter<T>): void;
    /**
     * Called after `waiter` was withdrawn from the pending outcome; its answer is `unpark`'s.
     * Override to cancel work nobody waits for (return `'pending'` when the waiter must then
     * wait for that work to end). The base has already dropped `waiter`, so after answering
     * `'pending'` the subclass owes it the one final outcome and must deliver it itself
     * (`settleOutcome` no longer reaches it).
     */
    protected withdrawn(_waiter: Waiter<T>): UnparkResult;
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
export declare class Deferred<T> extends SharedOutcome<T> {
    /** Settles with `value`; false when it had settled already. */
    resolve(value: T): boolean;
    /** Settles with `error`; false when it had settled already. */
    reject(error: unknown): boolean;
    describe(): string;
}
//# sourceMappingURL=shared-outcome.d.ts.map