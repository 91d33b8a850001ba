/**
 * How a pool treats a worker that dies. A task that was running when its worker died is
 * rejected at once. A task the worker had taken but not started (it waited for its module
 * to load) is queued again, and rejected once it has been held by this many dead workers:
 * a module that kills the worker when imported then fails its calls instead of hanging them.
 */
export const MAX_TASK_CRASHES = 2;

/**
 * Workers in a row at one index that may die before they start (a tracer module that
 * exits, resource limits too small to load) while no other worker has started: then the
 * pool stops restarting and fails every waiting task with that start failure, until a new
 * task asks it to try again.
 */
export const MAX_START_FAILURES = 2;

/** Longest pause before a worker index that keeps dying is started again. */
const MAX_RESTART_DELAY_MS = 1_000;

/**
 * Pause before starting a replacement, by the number of workers in a row at this index
 * that died without finishing a task: none for the first, then 10 ms doubling up to the cap,
 * so a worker that dies at start-up cannot make the pool spin on restarts.
 */
export function restartDelayMs(streak: number): number {
  return streak <= 1 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 10 * 2 ** (streak - 2));
}
