/**
 * Debug mode records where each fiber was spawned, so a failure's stack can show it.
 * Off by default: capturing a stack costs more than the rest of a spawn.
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

/** A holder of a lazily formatted stack (V8 formats `stack` on first read). */
export interface SpawnSite {
  stack?: string;
}

/** Captures the caller's stack above `below` (a function that should not appear in it). */
export function captureSpawnSite(below: Function): SpawnSite {
  const site: SpawnSite = {};
  Error.captureStackTrace(site, below);
  return site;
}

/** The frame lines of a captured site (without the first "Error" line). */
export function spawnSiteFrames(site: SpawnSite | null): string {
  if (site === null) {
    return '    (spawn site not recorded: call setFiberDebug(true) or set SPINDLE_FIBER_DEBUG=1)';
  }
  const stack = site.stack ?? '';
  const firstFrame = stack.indexOf('\n    at ');
  return firstFrame < 0 ? '    (no frames)' : stack.slice(firstFrame + 1);
}
