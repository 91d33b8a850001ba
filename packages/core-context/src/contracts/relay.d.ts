import type { CancelToken } from './cancel.js';
import { Operation } from './operation.js';
import type { UnparkResult, Waiter } from './wait.js';
/**
 * A waiter that stands in for the caller's waiter (`outer`) for ONE wait, where the
 * caller's own node cannot go: it carries what a primitive needs (a weight, a deadline, a
 * second phase) and forwards the outcome. Claims pass straight through to the outer waiter,
 * so a relayed wait can be a select case; its group and token are the outer waiter's.
 *
 *     outer waiter ──park──▶ RelayingOperation ──makes──▶ Relay ──begin/park──▶ primitive
 *                  ◀──────── settle / wake / fail ─────── Relay ◀──────────────
 */
export declare abstract class Relay<T> implements Waiter<T> {
    #private;
    next: Waiter | null;
    prev: Waiter | null;
    owner: object | null;
    constructor(outer: Waiter<T>);
    get group(): object;
    get token(): CancelToken | undefined;
    /** True while the caller still waits for this relay's outcome. */
    get waiting(): boolean;
    /** True while the wait can still be withdrawn: waiting, and no withdrawal is pending. */
    protected get withdrawable(): boolean;
    /** Starts the wait: parks this relay where the caller's outcome will come from. */
    abstract begin(): void;
    /** Takes this relay out of where it waits (rule 4's answer). */
    protected abstract leave(): UnparkResult;
    /**
     * Withdraws the wait for the caller (its `unpark`). When the primitive answers
     * `'pending'`, the relay disarms (`detached`) and only awaits the final outcome: a second
     * withdrawal answers `'pending'` again without asking the primitive twice.
     */
    withdraw(): UnparkResult;
    /** The withdrawal is pending: disarm now; the final outcome still reaches the caller. */
    protected awaitFinal(): void;
    claim(): boolean;
    release(): void;
    settle(ok: boolean, outcome: unknown): void;
    wake(value: T): boolean;
    fail(error: unknown): boolean;
    /** Ends the relay: returns the outer waiter (null when it ended already) and calls `detached`. */
    protected detach(): Waiter<T> | null;
    /** Called when the relay ends or its withdrawal turns pending (disarm timers, listeners); may run twice. */
    protected detached(): void;
}
/**
 * An Operation whose every wait is a fresh Relay (so each wait on it is a new wait, as the
 * Operation rule says), found again by the caller's waiter when that caller withdraws.
 */
export declare abstract class RelayingOperation<T> extends Operation<T> {
    #private;
    /** Makes the relay of one wait by `outer`. */
    protected abstract relay(outer: Waiter<T>): Relay<T>;
    park(waiter: Waiter<T>): void;
    unpark(waiter: Waiter<T>): UnparkResult;
    describe?(): string;
}
//# sourceMappingURL=relay.d.ts.map