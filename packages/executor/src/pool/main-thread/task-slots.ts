import { FREE, type PoolMemory } from '../protocol/shared-memory.js';
import type { PoolTask } from './task.js';

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

  release(slot: number): void {
    this.memory.setState(slot, FREE);
    this.bySlot[slot] = null;
    this.freeSlots.push(slot);
    this.inShared--;
  }
}
