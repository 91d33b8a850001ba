import type { Fiber } from './fiber.js';
import type { FiberTask } from './fiber-task.js';

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
export function reportUnjoinedLater(task: FiberTask): void {
  const id = task.id;
  setImmediate(() => {
    if (task.id === id && !task.joined) unjoinedHandler(task.outcomeError(), task.handle);
  });
}
