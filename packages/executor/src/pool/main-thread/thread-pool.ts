import {
  Cancelled,
  type CancelToken,
  ClosedError,
  checkWaitOptions,
  QueueFullError,
} from '@spindle/core-context';
import { UncloneableError } from '../protocol/errors.js';
import { now, PoolMemory, poolMemoryBytes } from '../protocol/shared-memory.js';
import { Backpressure } from './backpressure.js';
import { TaskCancellation } from './cancellation.js';
import { Completions } from './completions.js';
import { CrashRecovery } from './crash-recovery.js';
import { Dispatcher } from './dispatch.js';
import { type PoolMetrics, workerMetrics } from './metrics.js';
import { geometryOf, resolveOptions, type ThreadPoolOptions } from './options.js';
import { PendingTasks } from './pending.js';
import { MainSharedBuffers } from './shared-buffers.js';
import { PoolTask, type RunOptions, TaskHandle, type TaskRef } from './task.js';
import { prepareArguments } from './task-arguments.js';
import { TaskRegistry } from './task-registry.js';
import { markEnded, settle, TaskResult } from './task-result.js';
import { TaskSlots } from './task-slots.js';
import { WorkerSet } from './workers.js';

/**
 * A pool of worker threads that take tasks from shared memory themselves. The main thread
 * writes a task (function id and arguments) into a slot of a SharedArrayBuffer and pushes
 * the slot's index onto a lock-free queue; a worker pops it, runs it, writes the result
 * back and pushes the index onto a completion ring. No message crosses per task unless its
 * arguments or result do not fit the slot or must be transferred.
 */
export class ThreadPool {
  /** Bytes of caller-provided memory a pool with these options needs. */
  static memoryBytes(options: ThreadPoolOptions = {}): number {
    return poolMemoryBytes(geometryOf(options));
  }

  readonly size: number;
  readonly mode: 'global' | 'stealing';
  private readonly maxQueue: number;
  private readonly memory: PoolMemory;
  private readonly workers: WorkerSet;
  private readonly pendingTasks: PendingTasks;
  private readonly room: Backpressure;
  private readonly slots: TaskSlots;
  private readonly completions: Completions;
  private readonly dispatcher: Dispatcher;
  private readonly recovery: CrashRecovery;
  private readonly registry: TaskRegistry;
  private readonly shared: MainSharedBuffers;
  private readonly cancellation: TaskCancellation;
  private state: 'open' | 'closing' | 'closed' = 'open';

  constructor(options: ThreadPoolOptions = {}) {
    const config = resolveOptions(options);
    this.size = config.geometry.workers;
    this.mode = config.mode;
    this.maxQueue = config.maxQueue;
    const memory = new PoolMemory(config.buffer, config.geometry);
    this.memory = memory;
    memory.initialize();
    // Each part takes the parts it works with; the worker set is given its own at start,
    // since they need it first.
    this.workers = new WorkerSet(memory, config);
    this.pendingTasks = new PendingTasks(this.workers);
    this.room = new Backpressure(this.pendingTasks, this.maxQueue, this.size);
    this.slots = new TaskSlots(memory);
    this.dispatcher = new Dispatcher(memory, this.slots, this.workers, this.pendingTasks);
    this.completions = new Completions(
      memory,
      this.slots,
      this.pendingTasks,
      this.workers,
      this.dispatcher,
      this.room,
    );
    this.recovery = new CrashRecovery(memory, this.slots, this.pendingTasks, this.dispatcher);
    this.cancellation = new TaskCancellation(this.dispatcher, this.pendingTasks, this.room);
    this.shared = new MainSharedBuffers(this.workers);
    this.registry = new TaskRegistry(this.workers);
    this.workers.start({
      pending: this.pendingTasks,
      completions: this.completions,
      recovery: this.recovery,
      dispatcher: this.dispatcher,
    });
  }

  /** Registers `name` exported by `module` once; call the handle with `run`. */
  task(module: string | URL, name = 'default'): TaskHandle {
    return this.registry.handle(module, name);
  }

  /**
   * Calls a task and returns its result as an operation (`await` it, or `yield*` it in a
   * fiber). With `maxQueue` set, fails like `trySubmit` when the queue is full. A `signal`
   * or `token` cancels it; `result.ended` completes once the worker no longer runs it.
   */
  run<T = unknown>(task: TaskRef, args: readonly unknown[] = [], options?: RunOptions): TaskResult<T> {
    return this.submitNow<T>(task, args, options, 'run');
  }

  /** Like `run`, but throws `QueueFullError` at once when `maxQueue` tasks are waiting. */
  trySubmit<T = unknown>(task: TaskRef, args: readonly unknown[] = [], options?: RunOptions): TaskResult<T> {
    return this.submitNow<T>(task, args, options, 'trySubmit');
  }

  /**
   * Waits until the queue has room, then submits, and resolves as soon as the task is
   * accepted (not when it finishes) with `{ result }`, the task's result operation: a plain
   * object, because an operation is thenable and `await` would wait for the task itself.
   * Rejects when the call is refused: `Cancelled` when `signal` aborts (or `token` is
   * cancelled) before the task is accepted, `UncloneableError`, `ClosedError`.
   */
  async submit<T = unknown>(
    task: TaskRef,
    args: readonly unknown[] = [],
    options?: RunOptions,
  ): Promise<Submitted<T>> {
    const fnId = this.check(task, args, options, 'submit');
    const signal = options?.signal;
    const token = options?.token;
    const transfer = options?.transfer;
    const refusal = cancelledBeforeSubmit(signal, token);
    if (refusal !== null) throw refusal;
    const record = new PoolTask<T>(fnId, args as unknown[], transfer, this.cancellation);
    // Arguments are checked at once, but a transfer list moves its objects: that waits for room.
    if (transfer === undefined) prepareArguments(record as PoolTask, this.shared, this.memory.slotBytes);
    while (this.room.isFull()) {
      await this.room.waitForRoom(signal, token);
      this.room.resumed();
      if (this.state !== 'open') throw new ClosedError('the pool was closed while submit() waited for room');
    }
    try {
      const lateRefusal = cancelledBeforeSubmit(signal, token);
      if (lateRefusal !== null) throw lateRefusal;
      if (transfer !== undefined) prepareArguments(record as PoolTask, this.shared, this.memory.slotBytes);
      return { result: this.accept(record, signal, token) };
    } finally {
      // A place this call left unused (aborted after waking, or refused) goes to the next waiter.
      this.room.wake();
    }
  }

  /** Tasks accepted and not yet settled. */
  get pending(): number {
    return this.pendingTasks.count;
  }

  /** Resolves when every worker has started (and pinned itself, when asked to). */
  ready(): Promise<void> {
    return this.workers.ready();
  }

  metrics(): PoolMetrics {
    const queueDepth = this.dispatcher.queueDepth();
    return {
      workers: workerMetrics(this.memory, this.workers.all),
      queueDepth,
      pending: this.pendingTasks.count,
      waitTime: this.completions.waitTime.snapshot(),
      runTime: this.completions.runTime.snapshot(),
    };
  }

  /** Stops accepting tasks, finishes every queued and running one, then stops the workers. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    if (this.state === 'open') {
      this.state = 'closing';
      this.room.close();
    }
    if (this.pendingTasks.count > 0) await this.pendingTasks.whenIdle();
    this.state = 'closed';
    await this.workers.stop(false);
    this.slots.endAll(); // cancelled tasks still running when their workers exited
  }

  /** Stops at once: every unsettled task is rejected with `Cancelled` and the workers are terminated. */
  async destroy(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closing';
    this.room.close();
    this.dispatcher.failUnsettled(new Cancelled('The pool was destroyed before this task finished'));
    this.state = 'closed';
    await this.workers.stop(true);
    this.slots.endAll();
  }

  /** `run` and `trySubmit`: submits now, or throws `QueueFullError` when the queue is full. */
  private submitNow<T>(
    task: TaskRef,
    args: readonly unknown[],
    options: RunOptions | undefined,
    what: string,
  ): TaskResult<T> {
    const fnId = this.check(task, args, options, what);
    const signal = options?.signal;
    const token = options?.token;
    const transfer = options?.transfer;
    // A cancelled call is refused as cancelled, full queue or not.
    const refusal = cancelledBeforeSubmit(signal, token);
    if (refusal !== null) return rejected(refusal);
    if (this.room.isFull()) {
      throw new QueueFullError(
        `the pool queue is full (maxQueue ${this.maxQueue}); use submit() to wait for room`,
      );
    }
    const record = new PoolTask<T>(fnId, args as unknown[], transfer, this.cancellation);
    try {
      prepareArguments(record as PoolTask, this.shared, this.memory.slotBytes);
    } catch (error) {
      if (!(error instanceof UncloneableError)) throw error;
      return rejected(error);
    }
    return this.accept(record, signal, token);
  }

  /**
   * Checks a call's shape (throwing TypeError, RangeError or ClosedError at the call) and
   * returns its function id; counts and moves nothing.
   */
  private check(
    task: TaskRef,
    args: readonly unknown[],
    options: RunOptions | undefined,
    what: string,
  ): number {
    if (this.state !== 'open')
      throw new ClosedError('the pool is closed; create a new ThreadPool to run more tasks');
    checkWaitOptions(options, what); // the options object, its signal and its token
    const handle = task instanceof TaskHandle ? this.registry.own(task) : this.task(task.module, task.name);
    if (!Array.isArray(args)) throw new TypeError(`${what}: args must be an array of arguments`);
    if (options === undefined) return handle.id;
    if ((options as { timeout?: unknown }).timeout !== undefined) {
      throw new TypeError(
        `${what} takes no timeout: bound a wait on its result instead (bounded(result, { timeout }))`,
      );
    }
    if (options.transfer !== undefined && !Array.isArray(options.transfer)) {
      throw new TypeError(`${what}: transfer must be an array`);
    }
    return handle.id;
  }

  private accept<T>(
    task: PoolTask<T>,
    signal: AbortSignal | undefined,
    token: CancelToken | undefined,
  ): TaskResult<T> {
    this.workers.revive();
    if (task.sharesBuffers) this.shared.announceIn(task.args!);
    this.pendingTasks.add();
    task.enqueuedAt = now();
    this.dispatcher.schedule(task as PoolTask);
    // After scheduling, so a signal or token cancelled since the refusal check cancels the task.
    if ((signal !== undefined || token !== undefined) && !task.settled) {
      this.cancellation.listen(task as PoolTask, signal, token);
    }
    this.completions.arm();
    return task;
  }
}

/** What `submit()` resolves with once the pool accepted the task. */
export interface Submitted<T> {
  /** The task's result: `await` it, or `yield*` it in a fiber. */
  readonly result: TaskResult<T>;
}

/** The refusal of a call whose signal aborted or whose token was cancelled before it was submitted; else null. */
function cancelledBeforeSubmit(
  signal: AbortSignal | undefined,
  token: CancelToken | undefined,
): Cancelled | null {
  if (signal?.aborted) {
    return new Cancelled('The task was aborted before it was submitted', { cause: signal.reason });
  }
  return token?.cancelled ? token.reason! : null;
}

/** The result of a call that failed before the pool counted it. */
function rejected<T>(error: unknown): TaskResult<T> {
  const result = new TaskResult<T>();
  settle(result, false, error);
  markEnded(result); // it never ran
  return result;
}
