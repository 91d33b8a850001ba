import type { Fiber, FiberStatus } from './fiber.js';
import { Sleep } from './sleep.js';

/**
 * Every fiber that has not ended, in an intrusive list threaded through the fibers'
 * `liveNext`/`livePrev` fields (registering allocates nothing). It is what `liveFibers()`
 * and the stuck-fiber report read.
 */
let head: Fiber | null = null;
let count = 0;

/** @internal */
export function register(fiber: Fiber): void {
  fiber.livePrev = null;
  fiber.liveNext = head;
  if (head !== null) head.livePrev = fiber;
  head = fiber;
  count++;
}

/** @internal */
export function unregister(fiber: Fiber): void {
  const { livePrev, liveNext } = fiber;
  if (livePrev === null) head = liveNext;
  else livePrev.liveNext = liveNext;
  if (liveNext !== null) liveNext.livePrev = livePrev;
  fiber.liveNext = fiber.livePrev = null;
  count--;
}

/** What a fiber is doing, as `liveFibers()` reports it. */
export interface FiberInfo {
  id: number;
  name: string;
  status: FiberStatus;
  /** A description of what it is parked on (`describe()` or the class name), or null. */
  waitingOn: string | null;
  fiber: Fiber;
}

/** Number of fibers that have been spawned and have not ended. */
export function liveFiberCount(): number {
  return count;
}

/** Every live fiber, oldest first, with its name, status and what it waits on. */
export function liveFibers(): FiberInfo[] {
  const list: FiberInfo[] = [];
  for (let fiber = head; fiber !== null; fiber = fiber.liveNext) {
    list.push({ id: fiber.id, name: fiber.name, status: fiber.status, waitingOn: fiber.waitingOn(), fiber });
  }
  return list.reverse();
}

/**
 * The fibers parked on something other than a timer. Call it when the run is over (the
 * executor drained, the event loop is empty): nothing is left that could wake them, so
 * they never will be. A fiber waiting on a promise counts too, since by then no I/O is
 * left to settle it.
 */
export function stuckFibers(): FiberInfo[] {
  return liveFibers().filter((info) => {
    const waitable = info.fiber.parkedOn();
    return waitable !== null && !(waitable instanceof Sleep);
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
 * Reports stuck fibers when the process is about to exit because its event loop is
 * empty ('beforeExit'), through `write` (stderr by default). Opt-in; returns a function
 * that removes the hook.
 */
export function reportStuckFibersAtExit(
  write: (report: string) => void = (report) => process.stderr.write(report),
): () => void {
  const onBeforeExit = (): void => {
    // Once: writing may schedule work, which would bring 'beforeExit' back.
    process.off('beforeExit', onBeforeExit);
    const report = formatFiberReport();
    if (report !== '') write(report);
  };
  process.on('beforeExit', onBeforeExit);
  return () => process.off('beforeExit', onBeforeExit);
}

let unjoinedHandler: (error: Error, fiber: Fiber) => void = (error) => process.emitWarning(error);

/**
 * Sets what happens to a fiber failure nobody joined by the end of the current turn of
 * the event loop (default: `process.emitWarning`). Returns the previous handler.
 */
export function onUnjoinedFailure(
  handler: (error: Error, fiber: Fiber) => void,
): (error: Error, fiber: Fiber) => void {
  if (typeof handler !== 'function') throw new TypeError('onUnjoinedFailure expects a function');
  const previous = unjoinedHandler;
  unjoinedHandler = handler;
  return previous;
}

/** @internal a failure must not vanish: report it unless someone joins the fiber soon. */
export function reportUnjoinedLater(fiber: Fiber): void {
  const id = fiber.id;
  setImmediate(() => {
    if (fiber.id === id && !fiber.joined) unjoinedHandler(fiber.outcomeError(), fiber);
  });
}
