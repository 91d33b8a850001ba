import { receiveMessageOnPort } from 'node:worker_threads';
import { InvalidStateError } from '@spindle/core-context';
import { isByMessage, readValue } from '../protocol/codec.js';
import { recordToError } from '../protocol/errors.js';
import type { ToMain } from '../protocol/messages.js';
import { COMPLETE_SEQ, DONE, FAILED, MAIN_WAITING, type PoolMemory } from '../protocol/shared-memory.js';
import type { Backpressure } from './backpressure.js';
import type { Dispatcher } from './dispatch.js';
import { Histogram } from './histogram.js';
import type { PendingTasks } from './pending.js';
import type { TaskSlots } from './task-slots.js';
import type { WorkerSet, WorkerState } from './workers.js';

/**
 * Delivers results: waits (without blocking) for the workers to report completions, then
 * reads each finished task's result from its slot (or its message), settles the task and
 * frees the slot.
 */
export class Completions {
  /** Time from submit to start, ms. */
  readonly waitTime = new Histogram();
  /** Time from start to end, ms. */
  readonly runTime = new Histogram();
  /** Results that came by message, by slot (a slot is unique while its task is unsettled). */
  private readonly messageResults = new Map<number, unknown>();
  private armed = false;

  /** Runs when workers have reported completions. */
  private readonly onReport = (): void => this.deliver();

  constructor(
    private readonly memory: PoolMemory,
    private readonly slots: TaskSlots,
    private readonly pending: PendingTasks,
    private readonly workers: WorkerSet,
    private readonly dispatcher: Dispatcher,
    private readonly room: Backpressure,
  ) {}

  /**
   * Settles what the workers have finished, fills the slots that freed with waiting tasks,
   * lets waiting `submit()`s in, and waits for the next report. Runs on every report, and
   * when a worker died or was replaced.
   */
  deliver(): void {
    this.drain();
    this.dispatcher.refill();
    this.room.wake();
    this.arm();
  }

  /** Waits (without blocking) for the workers to report completions. */
  arm(): void {
    if (this.armed || this.slots.inShared === 0) return;
    this.armed = true;
    const words = this.memory.words;
    Atomics.store(words, MAIN_WAITING, 1);
    const seq = Atomics.load(words, COMPLETE_SEQ);
    if (this.memory.completions.size > 0) {
      queueMicrotask(this.onReport);
      return;
    }
    const wait = Atomics.waitAsync(words, COMPLETE_SEQ, seq);
    if (wait.async) void wait.value.then(this.onReport);
    else queueMicrotask(this.onReport);
  }

  /**
   * Takes every result a dead worker finished: those it sent by message, those on the ring,
   * and those it marked DONE or FAILED but died before putting on the ring (a terminate can
   * land between the two), so none of its finished tasks is left unsettled.
   */
  collectFrom(dead: WorkerState): void {
    this.receiveResults(dead);
    this.drain();
    // A ring that is not empty now has a cell a live worker is still writing: a finished slot
    // of the dead one may sit behind it, and the next drain completes it.
    if (this.memory.completions.size > 0) return;
    const memory = this.memory;
    const bySlot = this.slots.bySlot;
    for (let slot = 0; slot < bySlot.length; slot++) {
      if (bySlot[slot] === null || memory.runner(slot) !== dead.index) continue;
      const state = memory.state(slot);
      if (state === DONE || state === FAILED) this.completeSafely(slot);
    }
  }

  /** Settles every task on the completion ring and frees its slot. */
  private drain(): void {
    this.armed = false;
    Atomics.store(this.memory.words, MAIN_WAITING, 0);
    const completions = this.memory.completions;
    for (let slot = completions.shift(); slot >= 0; slot = completions.shift()) this.completeSafely(slot);
  }

  private completeSafely(slot: number): void {
    try {
      this.complete(slot);
    } catch (error) {
      // One broken completion must not stop the others: its task fails, its slot is reused.
      const task = this.slots.bySlot[slot];
      if (task) {
        this.pending.settle(task, false, error);
        this.slots.release(slot);
      }
    }
  }

  private complete(slot: number): void {
    const memory = this.memory;
    const task = this.slots.bySlot[slot]!;
    const state = memory.state(slot);
    const runner = memory.runner(slot);
    if (state === DONE || state === FAILED) {
      const value = isByMessage(memory, slot) ? this.takeResult(runner, slot) : readValue(memory, slot, null);
      this.waitTime.record(memory.waitTime(slot));
      this.runTime.record(memory.runTime(slot));
      if (state === DONE) this.pending.settle(task, true, value);
      else this.pending.settle(task, false, recordToError(value));
    }
    this.slots.release(slot);
  }

  private takeResult(runner: number, slot: number): unknown {
    if (!this.messageResults.has(slot)) this.receiveResults(this.workers.all[runner]!);
    if (!this.messageResults.has(slot)) {
      throw new InvalidStateError(`the result of slot ${slot} never arrived from worker ${runner}`);
    }
    const value = this.messageResults.get(slot);
    this.messageResults.delete(slot);
    return value;
  }

  /** Moves every result a worker has sent by message into `messageResults`. */
  receiveResults(worker: WorkerState): void {
    const port = worker.toMain;
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      const message = m.message as ToMain;
      this.messageResults.set(message.slot, message.value);
    }
  }
}
