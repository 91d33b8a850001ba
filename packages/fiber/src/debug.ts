/**
 * Debug mode records the JS frames where each fiber was spawned, so a failure's stack can
 * show them. Off by default: capturing a stack costs more than the rest of a spawn. Without
 * it a failure still names the chain of spawning fibers (see Lineage).
 */
let enabled = process.env.SPINDLE_FIBER_DEBUG === '1';

/** True when fibers record their spawn site. */
export function fiberDebugEnabled(): boolean {
  return enabled;
}

/** Turns spawn-site recording on or off for fibers spawned from now on; returns the previous setting. */
export function setFiberDebug(on: boolean): boolean {
  if (typeof on !== 'boolean') throw new TypeError(`setFiberDebug expects a boolean, got ${typeof on}`);
  const previous = enabled;
  enabled = on;
  return previous;
}

/** The frame lines of a formatted stack (without its "Name: message" head), or null when it has none. */
export function frameLines(stack: string | undefined): string | null {
  const firstFrame = stack === undefined ? -1 : stack.indexOf('\n    at ');
  return firstFrame < 0 ? null : stack!.slice(firstFrame + 1);
}
