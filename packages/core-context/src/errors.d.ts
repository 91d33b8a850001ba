import type { CancelToken } from './contracts/cancel.js';
/**
 * Typed errors shared by every Spindle package. Each has a stable `code` so callers can
 * branch without `instanceof` across realms (a worker rebuilds errors from their code).
 */
/** Base class of every error Spindle throws on purpose. */
export declare class SpindleError extends Error {
    /** Stable machine-readable code, e.g. `ERR_SPINDLE_CANCELLED`. */
    readonly code: string;
    constructor(code: string, message: string, options?: ErrorOptions);
}
/**
 * An operation was cancelled: a fiber was halted, a signal aborted, a scope closed. `token`
 * is the CancelToken whose cancellation it is (absent when no token was involved), so a
 * scope can tell its own cancellation from a foreign one.
 */
export declare class Cancelled extends SpindleError {
    readonly token?: CancelToken;
    constructor(message?: string, options?: ErrorOptions & {
        token?: CancelToken;
    });
}
/** A wait ran past its deadline. */
export declare class TimeoutError extends SpindleError {
    constructor(message?: string, options?: ErrorOptions);
}
/** An object was used in a state that does not allow the call (resuming a finished coroutine, ...). */
export declare class InvalidStateError extends SpindleError {
    constructor(message: string, options?: ErrorOptions);
}
/** A node was linked into an intrusive container while it is still a member of one. */
export declare class AlreadyLinkedError extends SpindleError {
    constructor(message?: string);
}
/** A lock was released by someone who does not hold it, or a permit count went below zero. */
export declare class NotHeldError extends SpindleError {
    constructor(message: string);
}
/** Sending on (or otherwise using) something that has been closed. */
export declare class ClosedError extends SpindleError {
    constructor(message: string, options?: ErrorOptions);
}
/** A bounded queue is full and the caller asked not to wait. */
export declare class QueueFullError extends SpindleError {
    constructor(message: string);
}
/** A blocking wait was called on the main thread, where it would freeze the event loop. */
export declare class BlockingCallError extends SpindleError {
    constructor(what: string);
}
/** A worker thread died (exit, uncaught error, out of memory) while running a task. */
export declare class WorkerCrashedError extends SpindleError {
    /** Index of the worker that died. */
    readonly workerId: number;
    constructor(workerId: number, message: string, options?: ErrorOptions);
}
/** A Barrier was broken by a cancelled or timed-out party. */
export declare class BrokenBarrierError extends SpindleError {
    constructor(message?: string);
}
/** The native addon could not be loaded. */
export declare class NativeBindingError extends SpindleError {
    constructor(message: string, options?: ErrorOptions);
}
/** An operating-system call failed; `errno` carries the raw error number. */
export declare class SystemError extends SpindleError {
    readonly errno: number;
    readonly syscall: string;
    constructor(syscall: string, errno: number, message: string);
}
/**
 * The thread that held a shared lock died (exited, was terminated, threw uncaught) without
 * releasing it. Thrown by the lock call of the thread that takes the lock over: that caller
 * now holds it, must repair what the dead holder left half done, and then calls
 * `markConsistent()` before it unlocks; until then every later locker gets this error too.
 */
export declare class OwnerDiedError extends SpindleError {
    constructor(message?: string);
}
//# sourceMappingURL=errors.d.ts.map