// The grace periods of cancelled tasks that go on running, for both sides of the pool.

/**
 * How long a cancelled task may go on holding its worker's thread (a synchronous loop that
 * never polls `taskSignal()`, a module whose top-level await never settles) before the
 * pool terminates and replaces that worker.
 */
export const CANCEL_GRACE_MS = 1_000;

/** How long a closing worker lets cancelled tasks that are still running finish. */
export const CLOSE_GRACE_MS = 1_000;
