import { Queue, tracer } from '@spindle/core-context';
import { markByMessage, writeEncoded } from '../protocol/codec.js';
import { uncloneable } from '../protocol/errors.js';
import type { ToWorker } from '../protocol/messages.js';
import { ACTIVE, CANCELLED, IDLE_WORKERS, type PoolMemory, QUEUED } from '../protocol/shared-memory.js';
import type { PendingTasks } from './pending.js';
import type { PoolTask } from './task.js';
import { keepHaltedWaiters, markEnded } from './task-result.js';
import type { TaskSlots } from './task-slots.js';
import type { WorkerSet } from './workers.js';

/**
 * Puts accepted tasks into shared memory: writes each into a free slot and pushes the slot
 * onto the global queue (or, for one that travels by message, onto one worker's inbox);
 * while no slot is free, tasks wait in a local backlog.
 */
export class Dispatcher {
  private readonly backlog = new Queue<PoolTask>();
  /** Tasks in the backlog that were cancelled there (skipped when their turn comes). */
  private cancelledInBacklog = 0;
  /** Slot and target pairs waiting to re-enter a ring (see `enqueue`). */
  private readonly unqueued: number[] = [];
  private readonly retryUnqueued = (): void => this.pushUnqueued();
  private retryScheduled = false;

  constructor(
    private readonly memory: PoolMemory,
    private readonly slots: TaskSlots,
    private readonly workers: WorkerSet,
    private readonly pending: PendingTasks,
  ) {}

  /** Dispatches the task now if a slot is free and no task waits before it; else it joins the backlog. */
  schedule(task: PoolTask): void {
    if (this.slots.freeSlots.length > 0 && this.backlog.isEmpty) this.dispatch(task);
    else this.backlog.push(task);
  }

  /** Dispatches backlog tasks while slots are free (skipping those cancelled there). */
  refill(): void {
    while (this.slots.freeSlots.length > 0 && !this.backlog.isEmpty) {
      const task = this.backlog.shift()!;
      if (!task.settled) this.dispatch(task);
      else this.cancelledInBacklog--;
    }
  }

  /** Frees the task's slot and puts it back in the backlog, to be dispatched (and sent) again. */
  redispatch(task: PoolTask): void {
    this.slots.vacate(task.slot);
    task.slot = -1;
    this.backlog.push(task);
  }

  /**
   * Takes a cancelled task back: a queued one never runs, a running one has its abort flag
   * set and its worker told; one in the backlog is skipped when its turn comes. True when
   * it will never run (mark it ended once it settled); false when a worker may still run it.
   */
  withdraw(task: PoolTask): boolean {
    const memory = this.memory;
    const slot = task.slot;
    if (slot < 0) {
      this.cancelledInBacklog++; // queued in the backlog: it is skipped when its turn comes
      return true;
    }
    const queued = memory.transition(slot, QUEUED, CANCELLED);
    const runner = memory.runner(slot);
    if (!queued && memory.state(slot) === ACTIVE) {
      // Running: tell the worker; the slot is freed when its completion arrives.
      memory.markAborted(slot);
      if (runner >= 0) this.workers.all[runner]!.worker.postMessage({ t: 'abort', slot });
    }
    // Taken by a worker (running, or waiting for its module): a worker it still holds is replaced.
    if (runner >= 0) this.workers.watchCancelled(slot, runner, () => this.slots.bySlot[slot] === task);
    return queued;
  }

  /**
   * Takes back an unsettled task (see `withdraw`) and fails it with `error`. A worker may
   * still run it: its halted waiters then get the error only once it ended (see TaskResult).
   */
  fail(task: PoolTask, error: unknown): void {
    const neverRuns = this.withdraw(task); // a queued slot is freed when a worker meets it again
    if (!neverRuns) keepHaltedWaiters(task);
    this.pending.settle(task, false, error);
    if (neverRuns) markEnded(task);
  }

  /** Fails every accepted, unsettled task with `error` (no worker can start, or the pool is destroyed). */
  failUnsettled(error: unknown): void {
    this.clearBacklog((task) => {
      this.pending.settle(task, false, error);
      markEnded(task);
    });
    for (const task of this.slots.bySlot) if (task !== null && !task.settled) this.fail(task, error);
  }

  /** Empties the backlog, passing each of its tasks to `each`. */
  clearBacklog(each: (task: PoolTask) => void): void {
    for (let task = this.backlog.shift(); task !== null; task = this.backlog.shift()) each(task);
    this.cancelledInBacklog = 0;
  }

  /** Tasks accepted and neither started nor cancelled (approximate while workers run). */
  queueDepth(): number {
    const bySlot = this.slots.bySlot;
    let depth = this.backlog.size - this.cancelledInBacklog;
    for (let slot = 0; slot < bySlot.length; slot++) {
      const task = bySlot[slot];
      if (task && !task.settled && this.memory.state(slot) === QUEUED) depth++;
    }
    return depth;
  }

  /** Writes a task into a free slot and queues it for the workers. */
  private dispatch(task: PoolTask): void {
    const memory = this.memory;
    const slot = this.slots.claim(task);
    memory.writeHeader(slot, task.fnId, false);
    memory.setEnqueuedAt(slot, task.enqueuedAt);
    const encoded = task.encoded;
    if (encoded !== null) {
      writeEncoded(memory, slot, task.args, encoded);
      task.args = null; // in shared memory now, for as long as the slot holds the task
      task.encoded = null;
    }
    memory.setState(slot, QUEUED);
    if (encoded !== null) {
      this.enqueue(slot, -1);
      if (Atomics.load(memory.words, IDLE_WORKERS) > 0) memory.wakeWorkers(1);
    } else if (!this.sendByMessage(task, slot)) {
      return;
    }
    if (tracer !== null) tracer.instant('pool', 'submit', slot);
  }

  /** Sends the arguments to one worker; false (the task failed, its slot is free) when they cannot go. */
  private sendByMessage(task: PoolTask, slot: number): boolean {
    const memory = this.memory;
    markByMessage(memory, slot);
    const target = this.workers.liveTarget();
    task.target = target;
    const message: ToWorker = { t: 'payload', slot, value: task.args };
    try {
      this.workers.all[target]!.toWorker.postMessage(message, task.transfer as never);
      // Transferred objects now live in that worker (a crash fails the task): nothing to keep.
      if (task.transfer !== undefined) task.args = null;
    } catch (error) {
      // The arguments were cloned (and their transfer list moved) before the task was accepted: this is a failure of the port itself.
      this.pending.settle(task, false, uncloneable('the arguments', error));
      this.slots.release(slot);
      return false;
    }
    this.enqueue(slot, target);
    // the target must wake, and a futex cannot pick which waiter
    memory.wakeWorkers(memory.layout.geometry.workers);
    return true;
  }

  /**
   * Pushes a slot onto the global queue (`target` -1) or a worker's inbox. A ring cell that
   * a descheduled consumer has claimed but not yet released looks full for a moment; such
   * a slot waits here and is pushed again on the next turn, never dropped.
   */
  enqueue(slot: number, target: number): void {
    const ring = target < 0 ? this.memory.global : this.memory.inboxes[target]!;
    if (this.unqueued.length === 0 && ring.push(slot)) return;
    this.unqueued.push(slot, target);
    if (!this.retryScheduled) {
      this.retryScheduled = true;
      setImmediate(this.retryUnqueued);
    }
  }

  private pushUnqueued(): void {
    this.retryScheduled = false;
    const waiting = this.unqueued.splice(0);
    for (let i = 0; i < waiting.length; i += 2) this.enqueue(waiting[i]!, waiting[i + 1]!);
    this.memory.wakeWorkers(1);
  }
}
