import { SpindleError } from '@spindle/core-context';
import { frameLines } from './debug.js';
import { describeSpawners, type Lineage } from './lineage.js';

const SITE_NOT_RECORDED =
  '    (spawn frames not recorded: call setFiberDebug(true) or set SPINDLE_FIBER_DEBUG=1)';

/**
 * A fiber failed. The joiner receives this error: `cause` is the fiber's own error, and the
 * stack shows the cause's frames, then the chain of fibers that spawned this one and, in
 * debug mode (see `setFiberDebug`), the JS frames of the spawn.
 */
export class FiberFailedError extends SpindleError {
  /** Id of the fiber that failed. */
  readonly fiberId: number;
  /** Name of the fiber that failed. */
  readonly fiberName: string;

  /** @internal made by the fiber from its Lineage */
  constructor(fiber: Lineage, cause: unknown) {
    super('ERR_SPINDLE_FIBER_FAILED', `Fiber #${fiber.id} "${fiber.name}" failed: ${describeCause(cause)}`, {
      cause,
    });
    this.fiberId = fiber.id;
    this.fiberName = fiber.name;
    // The construction frames (the scheduler finishing the fiber) say nothing; where the
    // cause was thrown and where the fiber came from do.
    const causeFrames =
      cause instanceof FiberFailedError
        ? linesAfterFirst(cause.stack) // its fiber lines, even when its own cause had no frames
        : cause instanceof Error
          ? frameLines(cause.stack)
          : null;
    this.stack = [
      `${this.name}: ${this.message}`,
      ...(causeFrames === null ? [] : [causeFrames]),
      `    --- Fiber #${fiber.id} "${fiber.name}" ${describeSpawners(fiber.parent)} ---`,
      ...spawnFrames(fiber, causeFrames),
    ].join('\n');
  }
}

/** The JS frames of the spawn, else the hint once per chain of failures (a failed joiner's cause may carry it). */
function spawnFrames(fiber: Lineage, causeFrames: string | null): string[] {
  const frames = frameLines(fiber.stack);
  if (frames !== null) return [frames];
  return causeFrames?.includes(SITE_NOT_RECORDED) ? [] : [SITE_NOT_RECORDED];
}

function linesAfterFirst(stack: string | undefined): string | null {
  const end = stack === undefined ? -1 : stack.indexOf('\n');
  return end < 0 ? null : stack!.slice(end + 1);
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}
