import type { Fiber } from './fiber.js';
import type { FiberStatus, FiberTask } from './fiber-task.js';
import { firstRoot, linkChild, unlinkChild } from './fiber-tree.js';

let count = 0;

/** @internal a new fiber joins the spawn tree (under `parent`, null for a root) */
export function register(fiber: FiberTask, parent: FiberTask | null): void {
  linkChild(parent, fiber);
  count++;
}

/** @internal an ended fiber, whose children were handed on, leaves the tree */
export function unregister(fiber: FiberTask): void {
  unlinkChild(fiber);
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
  const fibers: FiberTask[] = [];
  // Depth first through the spawn tree, with an explicit stack (trees can be deep).
  const pending: (FiberTask | null)[] = [firstRoot() as FiberTask | null];
  while (pending.length > 0) {
    for (let fiber: FiberTask | null = pending.pop()!; fiber !== null; fiber = fiber.nextSibling) {
      fibers.push(fiber);
      if (fiber.firstChild !== null) pending.push(fiber.firstChild);
    }
  }
  // Ids grow with every spawn (a pooled record gets a new one), so they order by age.
  fibers.sort((a, b) => a.id - b.id);
  return fibers.map((fiber) => ({
    id: fiber.id,
    name: fiber.name,
    status: fiber.status,
    waitingOn: fiber.waitingOn(),
    fiber: fiber.handle,
  }));
}
