import { Cancelled, InvalidStateError } from '@spindle/core-context';
import { readValue, writeValue } from '../protocol/codec.js';
import { recordToError } from '../protocol/errors.js';
import {
  ACTIVE,
  CANCELLED,
  DONE,
  FAILED,
  FREE,
  IDLE_WORKERS,
  type PoolMemory,
  QUEUED,
} from '../protocol/shared-memory.js';
import type { Inbox } from './inbox.js';
import type { ResultReporter } from './results.js';
import type { TaskFunction, TaskModules } from './task-modules.js';
import type { TaskQueues } from './task-queues.js';
import { isThenable, type TaskRunner } from './task-runner.js';

/**
 * A fork: its slot, or (slot -1) the outcome of one that ran inline. It can be joined once:
 * its slot is reused after the join.
 */
export class ForkHandle<T> {
  joined = false;

  constructor(
    readonly slot: number,
    readonly ok: boolean,
    readonly value: T | undefined,
  ) {}
}

/**
 * Fork-join inside a worker: a fork goes into one of this worker's fork slots and onto its
 * deque (or the global queue); a join runs other tasks while it waits (a helping join).
 */
export class ForkJoin {
  private readonly words: Int32Array;
  private readonly freeForks: number[] = [];

  constructor(
    private readonly memory: PoolMemory,
    private readonly index: number,
    private readonly stealing: boolean,
    private readonly modules: TaskModules,
    private readonly inbox: Inbox,
    private readonly queues: TaskQueues,
    private readonly runner: TaskRunner,
    private readonly results: ResultReporter,
  ) {
    this.words = memory.words;
    const start = memory.layout.forkSlotStart(index);
    for (let slot = start + memory.layout.geometry.forkSlots - 1; slot >= start; slot--) {
      const state = memory.state(slot);
      if (state !== QUEUED && state !== ACTIVE) this.freeForks.push(slot);
    }
  }

  fork<T>(fn: TaskFunction, args: unknown[]): ForkHandle<T> {
    const memory = this.memory;
    const id = this.modules.forkIdOf(fn);
    if (id === undefined) {
      throw new TypeError('fork() takes a function exported from a task module that this pool has loaded');
    }
    const slot = this.freeForks.pop();
    if (slot === undefined) return runInline(fn, args);
    const words = this.words;
    let fits = false;
    try {
      fits = writeValue(memory, slot, args, this.inbox);
    } catch {
      fits = false;
    }
    if (!fits) {
      this.freeForks.push(slot);
      return runInline(fn, args);
    }
    memory.writeHeader(slot, id, true);
    memory.setState(slot, QUEUED);
    const queued = (this.stealing && memory.deques[this.index]!.push(slot)) || memory.global.push(slot);
    if (!queued) {
      memory.setState(slot, FREE);
      this.freeForks.push(slot);
      return runInline(fn, args);
    }
    if (Atomics.load(words, IDLE_WORKERS) > 0) memory.wakeWorkers(1);
    return new ForkHandle<T>(slot, true, undefined);
  }

  /** Waits for a fork, running other tasks meanwhile (a helping join), and returns its result. */
  join<T>(handle: ForkHandle<T>): T {
    if (!(handle instanceof ForkHandle)) {
      throw new TypeError('join() takes a fork that fork() returned in this worker');
    }
    if (handle.joined) {
      throw new InvalidStateError('this fork was already joined (a fork can be joined once)');
    }
    handle.joined = true;
    if (handle.slot < 0) {
      if (handle.ok) return handle.value as T;
      throw handle.value;
    }
    const memory = this.memory;
    const slot = handle.slot;
    for (;;) {
      const state = memory.state(slot);
      if (state === DONE || state === FAILED || state === CANCELLED) break;
      const other = this.queues.take();
      if (other >= 0) {
        this.runner.run(other, true);
        continue;
      }
      this.results.notifyMain();
      memory.waitWhileState(slot, state, 1);
    }
    const state = memory.state(slot);
    const value =
      state === CANCELLED ? new Cancelled('the fork was cancelled') : readValue(memory, slot, null);
    memory.setState(slot, FREE);
    this.freeForks.push(slot);
    if (state === DONE) return value as T;
    throw recordToError(value);
  }
}

function runInline<T>(fn: TaskFunction, args: unknown[]): ForkHandle<T> {
  try {
    const value = fn(...args) as T;
    if (isThenable(value)) {
      return new ForkHandle<T>(
        -1,
        false,
        new TypeError('fork-join subtasks must be synchronous functions') as T,
      );
    }
    return new ForkHandle<T>(-1, true, value);
  } catch (error) {
    return new ForkHandle<T>(-1, false, error as T);
  }
}
