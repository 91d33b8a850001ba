import { SpindleError } from '@spindle/core-context';
import { type SpawnSite, spawnSiteFrames } from './debug.js';

/**
 * A fiber failed. The joiner receives this error: `cause` is the fiber's own error, and
 * the stack shows where the fiber was spawned (recorded in debug mode, see `setFiberDebug`).
 */
export class FiberFailedError extends SpindleError {
  /** Id of the fiber that failed. */
  readonly fiberId: number;
  /** Name of the fiber that failed. */
  readonly fiberName: string;

  constructor(fiberId: number, fiberName: string, cause: unknown, site: SpawnSite | null) {
    super('ERR_SPINDLE_FIBER_FAILED', `Fiber #${fiberId} "${fiberName}" failed: ${describeCause(cause)}`, {
      cause,
    });
    this.fiberId = fiberId;
    this.fiberName = fiberName;
    // The construction frames (the scheduler finishing the fiber) say nothing; the spawn site does.
    this.stack = `${this.name}: ${this.message}\n    --- fiber spawned at ---\n${spawnSiteFrames(site)}`;
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}
