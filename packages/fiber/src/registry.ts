import type { Fiber } from './fiber.js';
import type { FiberStatus, FiberTask } from './fiber-task.js';

/**
 * Every fiber that has not ended, in an intrusive list threaded through the fibers'
 * `liveNext`/`livePrev` fields (registering allocates nothing). It is what `liveFibers()`
 * and the stuck-fiber report read.
 */
let head: FiberTask | null = null;
let count = 0;

/** @internal */
export function register(fiber: FiberTask): void {
  fiber.livePrev = null;
  fiber.liveNext = head;
  if (head !== null) head.livePrev = fiber;
  head = fiber;
  count++;
}

/** @internal */
export function unregister(fiber: FiberTask): void {
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
    list.push({
      id: fiber.id,
      name: fiber.name,
      status: fiber.status,
      waitingOn: fiber.waitingOn(),
      fiber: fiber.handle,
    });
  }
  return list.reverse();
}
