import { Cancelled } from '../errors.js';
import type { DoublyLinked } from '../intrusive/links.js';
/**
 * Told once when a token is cancelled. Intrusive: the listener is the node, so listening
 * allocates nothing (a parked fiber can be its own listener). A listener is unlinked before
 * it is called.
 */
export interface CancelListener extends DoublyLinked<CancelListener> {
    onCancel(reason: Cancelled): void;
}
/**
 * A listener that calls a function, for code whose own object cannot be the listener node
 * (its links already serve a wait queue). One allocation; unlink it with `unlisten`.
 */
export declare class CancelCallback implements CancelListener {
    private readonly callback;
    next: CancelListener | null;
    prev: CancelListener | null;
    owner: object | null;
    constructor(callback: (reason: Cancelled) => void);
    onCancel(reason: Cancelled): void;
}
/**
 * The read side of a cancellation: whoever holds it can ask whether it was cancelled, wait
 * for it, or hand it on; only its {@link CancelSource} can cancel it. Tokens form a tree:
 * a child is cancelled with its parent (never the reverse). Its `reason` is a `Cancelled`
 * whose `token` is this token, so code that catches one can tell its own cancellation
 * from a foreign one.
 *
 *     root source ── token ─┬─ child token (a fiber, a scope, a pool task)
 *                           └─ child token ── grandchild …
 *     cancel(root) ⇒ every token below is cancelled, each listener called once
 */
export declare class CancelToken {
    #private;
    /** Tokens are made by a CancelSource: read its `.token`. */
    private constructor();
    /** True once cancelled (by its source, its parent, a deadline or a bridged signal). */
    get cancelled(): boolean;
    /** The `Cancelled` of its cancellation; its `cause` says why (a TimeoutError for a deadline, …). */
    get reason(): Cancelled | undefined;
    /** `Date.now()` time at which it cancels itself (its own or an ancestor's); Infinity when none. */
    get deadline(): number;
    /**
     * An AbortSignal that aborts with `reason` when the token is cancelled, for APIs that take
     * one (`fetch`, `setTimeout` from timers/promises, …). Made on first read.
     */
    get signal(): AbortSignal;
    /**
     * Links `listener` to be called once at the cancellation. Returns false, without linking,
     * when the token is cancelled already (the caller acts on `reason` itself). A token that
     * can never be cancelled ({@link NEVER_CANCELLED}) returns true without linking anything,
     * so listening on it costs no memory (its `unlisten` then returns false).
     */
    listen(listener: CancelListener): boolean;
    /** Unlinks `listener`; false when it was not linked here (already called, or never listened). */
    unlisten(listener: CancelListener): boolean;
    /** Throws `reason` when cancelled. */
    throwIfCancelled(): void;
}
/** Options of a CancelSource. */
export interface CancelSourceOptions {
    /** Cancel by itself this many milliseconds from now (with a TimeoutError as the cause). */
    timeout?: number;
    /** Cancel by itself at this `Date.now()` time. */
    deadline?: number;
}
/**
 * The write side of a cancellation: makes a token and cancels it. With a parent (a token or
 * an AbortSignal) its token is cancelled when the parent is; with a timeout or deadline it
 * cancels itself then. Call `dispose()` when its work ends, so a long-lived parent does not
 * keep it (and a deadline timer) alive.
 */
export declare class CancelSource {
    #private;
    readonly token: CancelToken;
    constructor(parent?: CancelToken | AbortSignal | null, options?: CancelSourceOptions);
    /**
     * Cancels the token (and its children). `reason` becomes the `cause` of the token's
     * `Cancelled` (or is that Cancelled itself when it is one for this token). A second
     * call does nothing.
     */
    cancel(reason?: unknown): void;
    /** Detaches from the parent and the deadline; the token stays as it is (cancelled or not, for good). */
    dispose(): void;
    private cancelBecause;
}
/**
 * A token that is never cancelled: the root of a shield (`new CancelSource(NEVER_CANCELLED)`
 * is a fresh root). Nothing links to it: listening on it, or making sources under it,
 * keeps nothing alive.
 */
export declare const NEVER_CANCELLED: CancelToken;
//# sourceMappingURL=cancel.d.ts.map