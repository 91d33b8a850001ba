import { type Executor, InvalidStateError } from '@spindle/core-context';
import { taskOf } from './fiber.js';
import { type FiberInfo, liveFibers } from './registry.js';

/**
 * The fibers parked on something no timer will end (not a sleep, not a wait with a timeout). Call it when the run is over (the
 * executor drained, the event loop is empty): nothing is left that could wake them, so
 * they never will be. A fiber waiting on a promise counts too, since by then no I/O is
 * left to settle it. With `executor`, only the fibers that run on it.
 */
export function stuckFibers(executor?: Executor): FiberInfo[] {
  return liveFibers().filter((info) => {
    const waitable = taskOf(info.fiber).parkedOn();
    return (
      waitable !== null &&
      waitable.timed !== true &&
      (executor === undefined || info.fiber.executor === executor)
    );
  });
}

/** A readable report of `fibers` (by default the stuck ones), or '' when there are none. */
export function formatFiberReport(fibers: FiberInfo[] = stuckFibers()): string {
  if (fibers.length === 0) return '';
  const lines = fibers.map(
    (f) => `  #${f.id} "${f.name}" ${f.status}${f.waitingOn === null ? '' : ` on ${f.waitingOn}`}`,
  );
  const noun = fibers.length === 1 ? 'fiber' : 'fibers';
  return `${fibers.length} ${noun} can never be woken:\n${lines.join('\n')}\n`;
}

/**
 * Drains a test executor (a ManualExecutor) and throws an InvalidStateError naming its
 * fibers left parked where nothing can wake them, with the executor's seed when it has one.
 * Returns how many runnables ran.
 */
export function drainReportingStuck(executor: Executor & { drain(): number; seed?: number }): number {
  const ran = executor.drain();
  const report = formatFiberReport(stuckFibers(executor));
  if (report !== '') {
    const seed = executor.seed === undefined ? '' : ` (seed ${executor.seed})`;
    throw new InvalidStateError(`The executor drained${seed} but ${report}`);
  }
  return ran;
}
