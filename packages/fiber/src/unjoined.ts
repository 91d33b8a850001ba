import type { Fiber } from './fiber.js';

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
