import { FREE, type PoolMemory } from '../protocol/shared-memory.js';
import type { PoolTask } from './task.js';
import { markEnded } from './task-result.js';

/** The main thread's table of task slots in shared memory: which task each one holds, which are free. */
export class TaskSlots {
  readonly freeSlots: number[] = [];
  readonly bySlot: (PoolTask | null)[];
  /** Slots that hold a task (queued, running, or finished and not yet released). */
  inShared = 0;

  constructor(private readonly memory: PoolMemory) {
    const slots = memory.layout.geometry.slots;
    for (let slot = slots - 1; slot >= 0; slot--) this.freeSlots.push(slot);
    this.bySlot = new Array(slots).fill(null);
  }

  /** Gives `task` a free slot (there must be one) and returns it. */
  claim(task: PoolTask): number {
    const slot = this.freeSlots.pop()!;
    task.slot = slot;
    this.bySlot[slot] = task;
    this.inShared++;
    return slot;
  }

  /**
   * Frees `slot` because its task has ended: the worker let go of it (or never took it).
   * Call it after the task settled, so `ended` never completes before the result.
   */
  release(slot: number): void {
    const task = this.bySlot[slot];
    this.vacate(slot);
    if (task) markEnded(task);
  }

  /** Frees `slot` while its task goes on (back to the backlog, to be sent again). */
  vacate(slot: number): void {
    this.memory.setState(slot, FREE);
    this.bySlot[slot] = null;
    this.freeSlots.push(slot);
    this.inShared--;
  }

  /** The pool stopped its workers: no task still in a slot can run any more. */
  endAll(): void {
    for (const task of this.bySlot) if (task !== null) markEnded(task);
  }
}
