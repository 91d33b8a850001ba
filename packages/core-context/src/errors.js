/**
 * Typed errors shared by every Spindle package. Each has a stable `code` so callers can
 * branch without `instanceof` across realms (a worker rebuilds errors from their code).
 */
/** Base class of every error Spindle throws on purpose. */
export class SpindleError extends Error {
    /** Stable machine-readable code, e.g. `ERR_SPINDLE_CANCELLED`. */
    code;
    constructor(code, message, options) {
        super(message, options);
        this.code = code;
        this.name = new.target.name;
    }
}
/**
 * An operation was cancelled: a fiber was halted, a signal aborted, a scope closed. `token`
 * is the CancelToken whose cancellation it is (absent when no token was involved), so a
 * scope can tell its own cancellation from a foreign one.
 */
export class Cancelled extends SpindleError {
    token;
    constructor(message = 'The operation was cancelled', options) {
        super('ERR_SPINDLE_CANCELLED', message, options);
        if (options?.token !== undefined)
            this.token = options.token;
    }
}
/** A wait ran past its deadline. */
export class TimeoutError extends SpindleError {
    constructor(message = 'The operation timed out', options) {
        super('ERR_SPINDLE_TIMEOUT', message, options);
    }
}
/** An object was used in a state that does not allow the call (resuming a finished coroutine, ...). */
export class InvalidStateError extends SpindleError {
    constructor(message, options) {
        super('ERR_SPINDLE_INVALID_STATE', message, options);
    }
}
/** A node was linked into an intrusive container while it is still a member of one. */
export class AlreadyLinkedError extends SpindleError {
    constructor(message = 'This node is already linked into an intrusive container; unlink it first') {
        super('ERR_SPINDLE_ALREADY_LINKED', message);
    }
}
/** A lock was released by someone who does not hold it, or a permit count went below zero. */
export class NotHeldError extends SpindleError {
    constructor(message) {
        super('ERR_SPINDLE_NOT_HELD', message);
    }
}
/** Sending on (or otherwise using) something that has been closed. */
export class ClosedError extends SpindleError {
    constructor(message, options) {
        super('ERR_SPINDLE_CLOSED', message, options);
    }
}
/** A bounded queue is full and the caller asked not to wait. */
export class QueueFullError extends SpindleError {
    constructor(message) {
        super('ERR_SPINDLE_QUEUE_FULL', message);
    }
}
/** A blocking wait was called on the main thread, where it would freeze the event loop. */
export class BlockingCallError extends SpindleError {
    constructor(what) {
        super('ERR_SPINDLE_BLOCKING_ON_MAIN_THREAD', `${what} blocks its thread and cannot be used on the main thread; use the async form (waitAsync / await) instead`);
    }
}
/** A worker thread died (exit, uncaught error, out of memory) while running a task. */
export class WorkerCrashedError extends SpindleError {
    /** Index of the worker that died. */
    workerId;
    constructor(workerId, message, options) {
        super('ERR_SPINDLE_WORKER_CRASHED', message, options);
        this.workerId = workerId;
    }
}
/** A Barrier was broken by a cancelled or timed-out party. */
export class BrokenBarrierError extends SpindleError {
    constructor(message = 'The barrier was broken because a party cancelled or timed out') {
        super('ERR_SPINDLE_BROKEN_BARRIER', message);
    }
}
/** The native addon could not be loaded. */
export class NativeBindingError extends SpindleError {
    constructor(message, options) {
        super('ERR_SPINDLE_NATIVE_MISSING', message, options);
    }
}
/** An operating-system call failed; `errno` carries the raw error number. */
export class SystemError extends SpindleError {
    errno;
    syscall;
    constructor(syscall, errno, message) {
        super('ERR_SPINDLE_SYSTEM', `${syscall} failed (errno ${errno}): ${message}`);
        this.errno = errno;
        this.syscall = syscall;
    }
}
/**
 * The thread that held a shared lock died (exited, was terminated, threw uncaught) without
 * releasing it. Thrown by the lock call of the thread that takes the lock over: that caller
 * now holds it, must repair what the dead holder left half done, and then calls
 * `markConsistent()` before it unlocks; until then every later locker gets this error too.
 */
export class OwnerDiedError extends SpindleError {
    constructor(message = 'The thread that held the lock died without releasing it') {
        super('ERR_SPINDLE_OWNER_DIED', message);
    }
}
//# sourceMappingURL=errors.js.map