import type { WorkerCrashedError } from '@spindle/core-context';
import { writeValue } from '../protocol/codec.js';
import { errorToRecord, shortRecord } from '../protocol/errors.js';
import { ACTIVE, CANCELLED, FAILED, type PoolMemory, QUEUED } from '../protocol/shared-memory.js';
import type { Dispatcher } from './dispatch.js';
import type { PendingTasks } from './pending.js';
import { MAX_TASK_CRASHES } from './restart-policy.js';
import type { PoolTask } from './task.js';
import type { TaskSlots } from './task-slots.js';

/** Builds the error of a task or fork a dead worker had; `what` says what it was doing. */
export type CrashError = (what: string) => WorkerCrashedError;

/**
 * Finds every task and fork a dead worker had, in shared memory, and settles it or queues
 * it again, so that no task is lost and no joiner waits forever.
 */
export class CrashRecovery {
  constructor(
    private readonly memory: PoolMemory,
    private readonly slots: TaskSlots,
    private readonly pending: PendingTasks,
    private readonly dispatcher: Dispatcher,
  ) {}

  /** Called once when worker `index` has died, before its replacement starts. */
  reclaim(index: number, crash: CrashError): void {
    this.failRunning(index, crash);
    this.cancelOwnForks(index);
    this.clearInbox(index);
    this.failTransferred(index, crash);
    this.requeueHeld(index, crash);
    this.requeueDeque(index);
  }

  /**
   * Called as the replacement starts: by-message tasks sent to the dead worker are sent
   * again (their payload died with it; the caller's arguments are still there to copy).
   */
  resend(index: number): void {
    const memory = this.memory;
    this.clearInbox(index); // what was sent to it since it died
    for (let slot = 0; slot < memory.layout.geometry.slots; slot++) {
      const task = this.slots.bySlot[slot] ?? null;
      if (task && task.target === index && memory.state(slot) === QUEUED) this.dispatcher.redispatch(task);
    }
  }

  /** Slots still in its inbox were never taken: a cancelled one is freed here, or never. */
  private clearInbox(index: number): void {
    const memory = this.memory;
    const inbox = memory.inboxes[index]!;
    for (let slot = inbox.shift(); slot >= 0; slot = inbox.shift()) {
      if (memory.state(slot) === CANCELLED) this.slots.release(slot);
    }
  }

  /**
   * A by-message task with a transfer list cannot be sent again: its transferred objects
   * moved to the dead worker and died with it (the caller holds detached ones). It fails.
   */
  private failTransferred(index: number, crash: CrashError): void {
    const memory = this.memory;
    for (let slot = 0; slot < memory.layout.geometry.slots; slot++) {
      const task = this.slots.bySlot[slot] ?? null;
      if (task === null || task.target !== index || task.transfer === undefined) continue;
      if (memory.state(slot) !== QUEUED) continue;
      this.pending.settle(
        task,
        false,
        crash('holding this task before it started (its transferred arguments died with it)'),
      );
      this.slots.release(slot);
    }
  }

  /** Running main tasks fail; fork slots it was running fail so joiners elsewhere wake. */
  private failRunning(index: number, crash: CrashError): void {
    const memory = this.memory;
    for (let slot = 0; slot < memory.layout.totalSlots; slot++) {
      if (memory.state(slot) !== ACTIVE || memory.runner(slot) !== index) continue;
      const task = this.mainTask(slot);
      if (task) {
        this.pending.settle(task, false, crash('running this task'));
        this.slots.release(slot);
      } else {
        const error = crash('running this fork');
        if (!writeValue(memory, slot, errorToRecord(error), null))
          writeValue(memory, slot, shortRecord(error), null);
        memory.setState(slot, FAILED);
        memory.notifyState(slot);
      }
    }
  }

  /** Its queued forks have no joiner left, wherever they wait: they never run. */
  private cancelOwnForks(index: number): void {
    const memory = this.memory;
    const start = memory.layout.forkSlotStart(index);
    for (let slot = start; slot < start + memory.layout.geometry.forkSlots; slot++) {
      memory.transition(slot, QUEUED, CANCELLED);
    }
  }

  /**
   * Slots it had taken but not started (waiting for their module, or deferred in a join) are
   * in no queue: they go back to one, or fail once they have crashed MAX_TASK_CRASHES workers.
   * By-message ones wait for `resend`.
   */
  private requeueHeld(index: number, crash: CrashError): void {
    const memory = this.memory;
    for (let slot = 0; slot < memory.layout.totalSlots; slot++) {
      if (memory.runner(slot) !== index) continue;
      const state = memory.state(slot);
      if (state !== QUEUED && state !== CANCELLED) continue;
      memory.setRunner(slot, -1);
      const task = this.mainTask(slot);
      if (task === null) {
        if (state === QUEUED) this.dispatcher.enqueue(slot, -1); // a live joiner's (the dead one's own are cancelled)
      } else if (state === CANCELLED) {
        this.slots.release(slot); // taken after its cancel, never reported
      } else if (++task.crashes >= MAX_TASK_CRASHES) {
        this.pending.settle(
          task,
          false,
          crash(
            `holding this task before it started (${MAX_TASK_CRASHES} workers died so; it is not retried)`,
          ),
        );
        this.slots.release(slot);
      } else if (task.target !== index) {
        this.dispatcher.enqueue(slot, -1);
      }
    }
  }

  /**
   * What is on its deque goes back to the global queue: main tasks, and forks it stole from
   * live joiners (which take them from there in their helping joins).
   */
  private requeueDeque(index: number): void {
    const memory = this.memory;
    const deque = memory.deques[index]!;
    for (let slot = deque.steal(); deque.size > 0 || slot >= 0; slot = deque.steal()) {
      if (slot < 0) continue;
      if (memory.state(slot) !== CANCELLED) this.dispatcher.enqueue(slot, -1);
      else if (this.mainTask(slot) !== null) this.slots.release(slot); // cancelled while queued, never reported
    }
  }

  /** The task of a main slot; null for a fork slot. */
  private mainTask(slot: number): PoolTask | null {
    return slot < this.memory.layout.geometry.slots ? (this.slots.bySlot[slot] ?? null) : null;
  }
}
