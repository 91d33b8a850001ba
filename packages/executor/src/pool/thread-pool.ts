import os from 'node:os';
import {
  MessageChannel,
  type MessagePort,
  type ResourceLimits,
  receiveMessageOnPort,
  Worker,
} from 'node:worker_threads';
import {
  Cancelled,
  ClosedError,
  InvalidStateError,
  Queue,
  QueueFullError,
  tracer,
  WorkerCrashedError,
} from '@spindle/core-context';
import { now } from './clock.js';
import { isByMessage, markByMessage, readValue, writeValue } from './codec.js';
import { type CrashError, CrashRecovery } from './crash-recovery.js';
import { recordToError } from './errors.js';
import { Histogram, type HistogramSnapshot } from './histogram.js';
import {
  ACTIVE,
  CANCELLED,
  COMPLETE_SEQ,
  checkGeometry,
  DEFAULT_GEOMETRY,
  DONE,
  FAILED,
  FLAG_ABORT,
  FREE,
  IDLE_WORKERS,
  MAIN_WAITING,
  type PoolGeometry,
  poolMemoryBytes,
  QUEUED,
  S_FLAGS,
  S_FN,
  S_RUNNER,
  SHUTDOWN,
  STAT_RUN,
  STAT_STOLEN,
  STOP,
} from './layout.js';
import { MainSharedBuffers } from './main-shared.js';
import { PoolMemory } from './memory.js';
import type { Status, ToMain, ToWorker, WorkerInit } from './messages.js';
import { moduleUrl } from './module-url.js';
import type { TaskResult } from './operation.js';
import { usableCpus } from './pinning.js';
import { restartDelayMs } from './restart-policy.js';
import { PoolTask, type RunOptions, TaskHandle, type TaskRef } from './task.js';
import { wakeWorkers } from './wake.js';
import { type TracerSource, tracerSource, type WorkerTracerOption } from './worker-tracer.js';

export interface ThreadPoolOptions extends Partial<Omit<PoolGeometry, 'workers'>> {
  /** Worker threads (default: the usable CPUs). */
  workers?: number;
  /** `global`: one shared queue. `stealing` (default): per-worker deques with work stealing. */
  mode?: 'global' | 'stealing';
  /** `true`: worker i on the i-th usable CPU; or a CPU per worker (reused round-robin). */
  pin?: boolean | readonly number[];
  /** Most tasks waiting for a worker; `trySubmit` fails and `submit` waits beyond it. */
  maxQueue?: number;
  /** Caller-provided shared memory of at least `ThreadPool.memoryBytes(options)` bytes. */
  memory?: SharedArrayBuffer;
  /** Passed to each Worker. */
  resourceLimits?: ResourceLimits;
  /**
   * A module each worker imports before its first task; its export (default `"default"`)
   * is installed as that worker's tracer, which then sees task begin/end, steal and park.
   */
  tracer?: WorkerTracerOption;
}

export interface WorkerMetrics {
  index: number;
  tasksRun: number;
  tasksStolen: number;
  /** OS thread id once the worker is ready (Linux), else -1. */
  threadId: number;
  /** CPUs the worker thread may run on, as it reported them. */
  cpus: number[];
  crashes: number;
}

export interface PoolMetrics {
  workers: WorkerMetrics[];
  /** Tasks accepted and neither started nor cancelled; forks not included (approximate while workers run). */
  queueDepth: number;
  /** Tasks accepted and not yet settled. */
  pending: number;
  /** Time from submit to start, ms. */
  waitTime: HistogramSnapshot;
  /** Time from start to end, ms. */
  runTime: HistogramSnapshot;
}

interface WorkerState {
  index: number;
  worker: Worker;
  toWorker: MessagePort;
  toMain: MessagePort;
  ready: Promise<void>;
  threadId: number;
  cpus: number[];
  crashes: number;
  lastError: unknown;
  /** Workers in a row at this index that died without finishing a task (see restart-policy). */
  streak: number;
  /** Tasks this index had finished when this worker started. */
  runsAtSpawn: number;
  /** False once the worker has exited; `restart` then holds its pending replacement. */
  alive: boolean;
  restart: NodeJS.Timeout | null;
}

const WORKER_ENTRY = new URL('../worker-entry.js', import.meta.url);

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
  private readonly memory: PoolMemory;
  private readonly workers: WorkerState[] = [];
  private readonly pin: number[] | null;
  private readonly resourceLimits: ResourceLimits | undefined;
  private readonly tracer: TracerSource | null;
  private readonly maxQueue: number;
  private readonly handles = new Map<string, TaskHandle>();
  private readonly moduleIds = new Map<string, number>();
  private readonly registrations: ToWorker[] = [];
  private readonly shared: MainSharedBuffers;
  private readonly freeSlots: number[] = [];
  private readonly bySlot: (PoolTask | null)[];
  private readonly recovery: CrashRecovery;
  private readonly backlog = new Queue<PoolTask>();
  /** Tasks in the backlog that were cancelled there (skipped when their turn comes). */
  private cancelledInBacklog = 0;
  /** Results that came by message, by slot (a slot is unique while its task is unsettled). */
  private readonly messageResults = new Map<number, unknown>();
  private readonly roomWaiters: (() => void)[] = [];
  private readonly waitTime = new Histogram();
  private readonly runTime = new Histogram();
  private readonly drainCompletions = (): void => this.onCompletions();
  /** Slot and target pairs waiting to re-enter a ring (see `enqueue`). */
  private readonly unqueued: number[] = [];
  private readonly retryUnqueued = (): void => this.pushUnqueued();
  private retryScheduled = false;
  private inShared = 0;
  private pendingCount = 0;
  private armed = false;
  private nextTarget = 0;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private idleResolvers: (() => void)[] = [];

  constructor(options: ThreadPoolOptions = {}) {
    const geometry = geometryOf(options);
    this.size = geometry.workers;
    if (options.mode !== undefined && options.mode !== 'global' && options.mode !== 'stealing') {
      throw new TypeError(`mode must be "global" or "stealing", got ${String(options.mode)}`);
    }
    this.mode = options.mode ?? 'stealing';
    const maxQueue = options.maxQueue ?? Number.POSITIVE_INFINITY;
    if (!(maxQueue >= 0) || (Number.isFinite(maxQueue) && !Number.isInteger(maxQueue))) {
      throw new RangeError(`maxQueue must be a non-negative integer, got ${String(options.maxQueue)}`);
    }
    this.maxQueue = maxQueue;
    this.pin = pinList(options.pin, geometry.workers);
    this.resourceLimits = options.resourceLimits;
    this.tracer = tracerSource(options.tracer);
    const buffer = options.memory ?? new SharedArrayBuffer(poolMemoryBytes(geometry));
    if (!(buffer instanceof SharedArrayBuffer)) throw new TypeError('memory must be a SharedArrayBuffer');
    this.memory = new PoolMemory(buffer, geometry);
    this.memory.initialize();
    for (let slot = geometry.slots - 1; slot >= 0; slot--) this.freeSlots.push(slot);
    this.bySlot = new Array(geometry.slots).fill(null);
    this.recovery = new CrashRecovery(this.memory, {
      taskAt: (slot) => this.bySlot[slot]!,
      fail: (task, error) => this.settle(task, false, error),
      release: (slot) => this.release(slot),
      enqueue: (slot, target) => this.enqueue(slot, target),
      redispatch: (task) => {
        this.release(task.slot);
        task.slot = -1;
        this.backlog.push(task);
      },
    });
    this.shared = new MainSharedBuffers((id, sharedBuffer) =>
      this.broadcast({ t: 'share', id, buffer: sharedBuffer }),
    );
    for (let i = 0; i < geometry.workers; i++) this.workers.push(this.spawn(i));
  }

  /** Registers `name` exported by `module` once; call the handle with `run`. */
  task(module: string | URL, name = 'default'): TaskHandle {
    const url = moduleUrl(module);
    if (typeof name !== 'string' || name === '') throw new TypeError('name must be a non-empty export name');
    const key = `${url}#${name}`;
    let handle = this.handles.get(key);
    if (handle === undefined) {
      let moduleId = this.moduleIds.get(url);
      if (moduleId === undefined) this.moduleIds.set(url, (moduleId = this.moduleIds.size));
      handle = new TaskHandle(this.handles.size, url, name);
      this.handles.set(key, handle);
      const message: ToWorker = { t: 'fn', id: handle.id, moduleId, url, name };
      this.registrations.push(message);
      this.broadcast(message);
    }
    return handle;
  }

  /**
   * Calls a task and returns its result as an operation (`await` it, or `yield*` it in a
   * fiber). With `maxQueue` set, fails like `trySubmit` when the queue is full.
   */
  run<T = unknown>(task: TaskRef, args: readonly unknown[] = [], options: RunOptions = {}): TaskResult<T> {
    return this.trySubmit<T>(task, args, options);
  }

  /** Like `run`, but throws `QueueFullError` at once when `maxQueue` tasks are waiting. */
  trySubmit<T = unknown>(
    task: TaskRef,
    args: readonly unknown[] = [],
    options: RunOptions = {},
  ): TaskResult<T> {
    const record = this.prepare<T>(task, args, options);
    if (this.isFull()) {
      throw new QueueFullError(
        `the pool queue is full (maxQueue ${this.maxQueue}); use submit() to wait for room`,
      );
    }
    return this.accept(record);
  }

  /** Waits until the queue has room, then submits; resolves to the task's result operation. */
  async submit<T = unknown>(
    task: TaskRef,
    args: readonly unknown[] = [],
    options: RunOptions = {},
  ): Promise<TaskResult<T>> {
    const record = this.prepare<T>(task, args, options);
    while (this.isFull()) {
      await this.waitForRoom(record.signal);
      if (this.state !== 'open') throw new ClosedError('the pool was closed while submit() waited for room');
    }
    return this.accept(record);
  }

  /** Resolves when the queue may have room; rejects with `Cancelled` as soon as `signal` aborts. */
  private waitForRoom(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const cancelled = () =>
        new Cancelled('submit() was aborted while waiting for room', { cause: signal?.reason });
      if (signal?.aborted) {
        reject(cancelled());
        return;
      }
      const onAbort = () => {
        const index = this.roomWaiters.indexOf(wake);
        if (index >= 0) this.roomWaiters.splice(index, 1);
        reject(cancelled());
      };
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.roomWaiters.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Tasks accepted and not yet settled. */
  get pending(): number {
    return this.pendingCount;
  }

  /** Resolves when every worker has started (and pinned itself, when asked to). */
  async ready(): Promise<void> {
    const waiting = this.workers;
    for (const w of waiting) w.worker.ref(); // an idle pool holds nothing open, but a ready() caller waits
    try {
      await Promise.all(waiting.map((w) => w.ready));
    } finally {
      if (this.pendingCount === 0) for (const w of waiting) w.worker.unref();
    }
  }

  metrics(): PoolMetrics {
    const { words, layout } = this.memory;
    let queueDepth = this.backlog.size - this.cancelledInBacklog;
    for (let slot = 0; slot < this.bySlot.length; slot++) {
      const task = this.bySlot[slot];
      if (task && !task.isSettled && this.memory.state(slot) === QUEUED) queueDepth++;
    }
    return {
      workers: this.workers.map((w) => ({
        index: w.index,
        tasksRun: Atomics.load(words, layout.statIndex(w.index, STAT_RUN)),
        tasksStolen: Atomics.load(words, layout.statIndex(w.index, STAT_STOLEN)),
        threadId: w.threadId,
        cpus: w.cpus,
        crashes: w.crashes,
      })),
      queueDepth,
      pending: this.pendingCount,
      waitTime: this.waitTime.snapshot(),
      runTime: this.runTime.snapshot(),
    };
  }

  /** Stops accepting tasks, finishes every queued and running one, then stops the workers. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    if (this.state === 'open') {
      this.state = 'closing';
      this.wakeRoomWaiters();
    }
    if (this.pendingCount > 0) await new Promise<void>((resolve) => this.idleResolvers.push(resolve));
    await this.stopWorkers(false);
  }

  /** Stops at once: every unsettled task is rejected with `Cancelled` and the workers are terminated. */
  async destroy(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closing';
    this.wakeRoomWaiters();
    const error = new Cancelled('The pool was destroyed before this task finished');
    for (let task = this.backlog.shift(); task !== null; task = this.backlog.shift())
      this.settle(task, false, error);
    this.cancelledInBacklog = 0;
    for (const task of this.bySlot) if (task !== null) this.settle(task, false, error);
    await this.stopWorkers(true);
  }

  private prepare<T>(task: TaskRef, args: readonly unknown[], options: RunOptions): PoolTask<T> {
    if (this.state !== 'open')
      throw new ClosedError('the pool is closed; create a new ThreadPool to run more tasks');
    const handle = task instanceof TaskHandle ? task : this.task(task.module, task.name);
    if (!Array.isArray(args)) throw new TypeError('args must be an array of arguments');
    const { signal, transfer } = options;
    if (signal !== undefined && !(signal instanceof AbortSignal))
      throw new TypeError('signal must be an AbortSignal');
    if (transfer !== undefined && !Array.isArray(transfer)) throw new TypeError('transfer must be an array');
    return new PoolTask<T>(handle.id, args as unknown[], transfer, signal);
  }

  private isFull(): boolean {
    return this.pendingCount >= this.maxQueue + this.size;
  }

  private accept<T>(task: PoolTask<T>): TaskResult<T> {
    const signal = task.signal;
    if (signal?.aborted) {
      task.reject(new Cancelled('The task was aborted before it was submitted', { cause: signal.reason }));
      return task;
    }
    if (this.pendingCount++ === 0) this.holdOpen(true);
    task.enqueuedAt = now();
    if (signal !== undefined) {
      task.abortListener = () => this.cancel(task);
      signal.addEventListener('abort', task.abortListener, { once: true });
    }
    if (this.freeSlots.length > 0 && this.backlog.isEmpty) this.dispatch(task);
    else this.backlog.push(task as PoolTask);
    return task;
  }

  /** Writes a task into a free slot and queues it for the workers. */
  private dispatch(task: PoolTask): void {
    const memory = this.memory;
    const words = memory.words;
    const slot = this.freeSlots.pop()!;
    task.slot = slot;
    this.bySlot[slot] = task;
    this.inShared++;
    words[memory.field(slot, S_FN)] = task.fnId;
    words[memory.field(slot, S_FLAGS)] = 0;
    words[memory.field(slot, S_RUNNER)] = -1;
    memory.times[slot * 3] = task.enqueuedAt;
    let fits = false;
    if (task.transfer === undefined) {
      try {
        fits = writeValue(memory, slot, task.args, this.shared);
      } catch {
        fits = false; // not v8-serializable as is (a nested SharedArrayBuffer, a port): send by message
      }
    }
    Atomics.store(words, memory.field(slot, 0), QUEUED);
    if (fits) {
      this.enqueue(slot, -1);
      if (Atomics.load(words, IDLE_WORKERS) > 0) wakeWorkers(words, 1);
    } else {
      this.sendByMessage(task, slot);
    }
    if (tracer !== null) tracer.instant('pool', 'submit', slot);
    this.arm();
  }

  private sendByMessage(task: PoolTask, slot: number): void {
    const memory = this.memory;
    markByMessage(memory, slot);
    const target = this.liveTarget();
    task.target = target;
    const message: ToWorker = { t: 'payload', slot, value: task.args };
    this.workers[target]!.toWorker.postMessage(message, task.transfer as never);
    this.enqueue(slot, target);
    wakeWorkers(memory.words, this.size); // the target must wake, and a futex cannot pick which waiter
  }

  /** The next worker, round-robin, that is alive (a dead one's inbox is sent again when it is replaced). */
  private liveTarget(): number {
    for (let tries = 0; tries < this.size; tries++) {
      const target = this.nextTarget++ % this.size;
      if (this.workers[target]!.alive) return target;
    }
    return this.nextTarget++ % this.size;
  }

  /**
   * Pushes a slot onto the global queue (`target` -1) or a worker's inbox. A ring cell that
   * a descheduled consumer has claimed but not yet released looks full for a moment; such
   * a slot waits here and is pushed again on the next turn, never dropped.
   */
  private enqueue(slot: number, target: number): void {
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
    wakeWorkers(this.memory.words, 1);
  }

  /** Waits (without blocking) for the workers to report completions. */
  private arm(): void {
    if (this.armed || this.inShared === 0) return;
    this.armed = true;
    const words = this.memory.words;
    Atomics.store(words, MAIN_WAITING, 1);
    const seq = Atomics.load(words, COMPLETE_SEQ);
    if (this.memory.completions.size > 0) {
      queueMicrotask(this.drainCompletions);
      return;
    }
    const wait = Atomics.waitAsync(words, COMPLETE_SEQ, seq);
    if (wait.async) void wait.value.then(this.drainCompletions);
    else queueMicrotask(this.drainCompletions);
  }

  private onCompletions(): void {
    this.armed = false;
    Atomics.store(this.memory.words, MAIN_WAITING, 0);
    const completions = this.memory.completions;
    for (let slot = completions.shift(); slot >= 0; slot = completions.shift()) {
      try {
        this.complete(slot);
      } catch (error) {
        // One broken completion must not stop the others: its task fails, its slot is reused.
        const task = this.bySlot[slot];
        if (task) {
          this.settle(task, false, error);
          this.release(slot);
        }
      }
    }
    while (this.freeSlots.length > 0 && !this.backlog.isEmpty) {
      const task = this.backlog.shift()!;
      if (!task.isSettled) this.dispatch(task);
      else this.cancelledInBacklog--;
    }
    this.wakeRoomWaiters();
    this.arm();
  }

  private complete(slot: number): void {
    const memory = this.memory;
    const task = this.bySlot[slot]!;
    const state = memory.state(slot);
    const runner = memory.words[memory.field(slot, S_RUNNER)]!;
    if (state === DONE || state === FAILED) {
      const value = isByMessage(memory, slot) ? this.takeResult(runner, slot) : readValue(memory, slot, null);
      const times = memory.times;
      this.waitTime.record(times[slot * 3 + 1]! - times[slot * 3]!);
      this.runTime.record(times[slot * 3 + 2]! - times[slot * 3 + 1]!);
      if (state === DONE) this.settle(task, true, value);
      else this.settle(task, false, recordToError(value));
    }
    this.release(slot);
  }

  private release(slot: number): void {
    Atomics.store(this.memory.words, this.memory.field(slot, 0), FREE);
    this.bySlot[slot] = null;
    this.freeSlots.push(slot);
    this.inShared--;
  }

  private takeResult(runner: number, slot: number): unknown {
    if (!this.messageResults.has(slot)) this.receiveResults(this.workers[runner]!);
    if (!this.messageResults.has(slot)) {
      throw new InvalidStateError(`the result of slot ${slot} never arrived from worker ${runner}`);
    }
    const value = this.messageResults.get(slot);
    this.messageResults.delete(slot);
    return value;
  }

  /** Moves every result a worker has sent by message into `messageResults`. */
  private receiveResults(worker: WorkerState): void {
    const port = worker.toMain;
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      const message = m.message as ToMain;
      this.messageResults.set(message.slot, message.value);
    }
  }

  /** Settles a task once and updates the pending count. */
  private settle(task: PoolTask, ok: boolean, value: unknown): void {
    const settled = ok ? task.resolve(value) : task.reject(value);
    if (!settled) return;
    if (task.abortListener !== null) task.signal!.removeEventListener('abort', task.abortListener);
    task.abortListener = null;
    if (--this.pendingCount === 0) {
      this.holdOpen(false);
      const resolvers = this.idleResolvers;
      this.idleResolvers = [];
      for (const resolve of resolvers) resolve();
    }
  }

  /** While tasks are pending, the workers (and a pending restart) keep the process alive. */
  private holdOpen(on: boolean): void {
    for (const w of this.workers) {
      if (on) {
        w.worker.ref();
        w.restart?.ref();
      } else {
        w.worker.unref();
        w.restart?.unref();
      }
    }
  }

  private cancel(task: PoolTask): void {
    if (task.isSettled) return;
    const reason = new Cancelled('The task was aborted by its signal', { cause: task.signal?.reason });
    const memory = this.memory;
    const slot = task.slot;
    if (slot >= 0 && !memory.transition(slot, QUEUED, CANCELLED) && memory.state(slot) === ACTIVE) {
      // Running: tell the worker; the slot is freed when its completion arrives.
      Atomics.or(memory.words, memory.field(slot, S_FLAGS), FLAG_ABORT);
      const runner = memory.words[memory.field(slot, S_RUNNER)]!;
      if (runner >= 0) this.workers[runner]!.worker.postMessage({ t: 'abort', slot });
    }
    // Queued in the backlog: it is skipped when its turn comes.
    if (slot < 0) this.cancelledInBacklog++;
    this.settle(task, false, reason);
    this.wakeRoomWaiters();
  }

  private wakeRoomWaiters(): void {
    while (this.roomWaiters.length > 0 && (!this.isFull() || this.state !== 'open'))
      this.roomWaiters.shift()!();
  }

  private broadcast(message: ToWorker): void {
    for (const w of this.workers) w.toWorker.postMessage(message);
  }

  private spawn(index: number): WorkerState {
    const toWorker = new MessageChannel();
    const toMain = new MessageChannel();
    const init: WorkerInit = {
      buffer: this.memory.buffer,
      geometry: this.memory.layout.geometry,
      index,
      stealing: this.mode === 'stealing',
      toWorker: toWorker.port2,
      toMain: toMain.port1,
      pin: this.pin === null ? null : [this.pin[index % this.pin.length]!],
      tracer: this.tracer,
    };
    const worker = new Worker(WORKER_ENTRY, {
      workerData: init,
      transferList: [toWorker.port2, toMain.port1],
      ...(this.resourceLimits ? { resourceLimits: this.resourceLimits } : {}),
    });
    toWorker.port1.unref();
    toMain.port2.unref();
    let markReady: () => void = () => {};
    let failReady: (error: Error) => void = () => {};
    const state: WorkerState = {
      index,
      worker,
      toWorker: toWorker.port1,
      toMain: toMain.port2,
      ready: new Promise<void>((resolve, reject) => {
        markReady = resolve;
        failReady = reject;
      }),
      threadId: -1,
      cpus: [],
      crashes: 0,
      lastError: undefined,
      streak: 0,
      runsAtSpawn: Atomics.load(this.memory.words, this.memory.layout.statIndex(index, STAT_RUN)),
      alive: true,
      restart: null,
    };
    state.ready.catch(() => {}); // observed through ready()
    for (const message of this.registrations) state.toWorker.postMessage(message);
    for (const [id, buffer] of this.shared.list.entries())
      state.toWorker.postMessage({ t: 'share', id, buffer });
    worker.on('message', (status: Status) => {
      if (status.t === 'ready') {
        state.threadId = status.tid;
        state.cpus = status.cpus;
        markReady();
      } else {
        failReady(new Error(`worker ${index} ${status.message}`));
      }
    });
    worker.on('error', (error) => {
      state.lastError = error;
    });
    worker.on('exit', (code) => {
      // One that dies before it is ready (its tracer module exits, say) fails ready() instead of hanging it.
      const cause = state.lastError;
      failReady(
        new WorkerCrashedError(
          index,
          `worker ${index} exited before it was ready${exitReason(cause, code)}`,
          {
            cause,
          },
        ),
      );
      this.onExit(state, code);
    });
    if (this.pendingCount === 0) worker.unref();
    return state;
  }

  /**
   * A worker died outside shutdown: keep the results it sent, fail what it was running, queue
   * again what it held or had queued, and replace it (after a pause if it keeps dying).
   */
  private onExit(dead: WorkerState, code: number): void {
    if (this.state === 'closed' || this.workers[dead.index] !== dead) return;
    const index = dead.index;
    // Results it finished are still in its port: take them before the port closes.
    this.receiveResults(dead);
    dead.toWorker.close();
    dead.toMain.close();
    dead.alive = false;
    dead.crashes++;
    const cause = dead.lastError;
    const crash: CrashError = (what) =>
      new WorkerCrashedError(index, `worker ${index} died while ${what}${exitReason(cause, code)}`, {
        cause,
      });
    this.recovery.reclaim(index, crash);
    const finishedAny =
      Atomics.load(this.memory.words, this.memory.layout.statIndex(index, STAT_RUN)) > dead.runsAtSpawn;
    dead.streak = finishedAny ? 1 : dead.streak + 1;
    const delay = restartDelayMs(dead.streak);
    if (delay === 0) {
      this.replace(dead);
    } else {
      dead.restart = setTimeout(() => this.replace(dead), delay);
      if (this.pendingCount === 0) dead.restart.unref();
    }
    this.onCompletions();
  }

  /** Starts the replacement of a dead worker, after the by-message tasks its predecessor lost are sent again. */
  private replace(dead: WorkerState): void {
    dead.restart = null;
    if (this.state === 'closed') return;
    const index = dead.index;
    this.recovery.resend(index);
    const replacement = this.spawn(index);
    replacement.crashes = dead.crashes;
    replacement.streak = dead.streak;
    this.workers[index] = replacement;
    if (this.pendingCount > 0) replacement.worker.ref();
    this.onCompletions();
  }

  private async stopWorkers(terminate: boolean): Promise<void> {
    this.state = 'closed';
    const words = this.memory.words;
    Atomics.store(words, SHUTDOWN, STOP);
    wakeWorkers(words, this.size);
    Atomics.notify(words, COMPLETE_SEQ); // releases our own pending waitAsync
    await Promise.all(
      this.workers.map(async (w) => {
        if (!w.alive) {
          if (w.restart !== null) clearTimeout(w.restart);
          return;
        }
        const exited = new Promise<void>((resolve) => w.worker.once('exit', () => resolve()));
        w.worker.ref(); // hold the process open until the worker has gone
        if (terminate) await w.worker.terminate();
        await exited;
        w.toWorker.close();
        w.toMain.close();
      }),
    );
  }
}

/** How a worker ended, for error messages: its uncaught error, or its exit code. */
function exitReason(cause: unknown, code: number): string {
  return cause instanceof Error ? `: ${cause.message}` : ` with exit code ${code}`;
}

function geometryOf(options: ThreadPoolOptions): PoolGeometry {
  return checkGeometry({
    workers: options.workers ?? Math.max(1, os.availableParallelism()),
    slots: options.slots ?? DEFAULT_GEOMETRY.slots,
    forkSlots: options.forkSlots ?? DEFAULT_GEOMETRY.forkSlots,
    slotBytes: options.slotBytes ?? DEFAULT_GEOMETRY.slotBytes,
  });
}

function pinList(pin: ThreadPoolOptions['pin'], workers: number): number[] | null {
  if (pin === undefined || pin === false) return null;
  if (pin === true) {
    const cpus = usableCpus();
    return Array.from({ length: workers }, (_, i) => cpus[i % cpus.length]!);
  }
  if (!Array.isArray(pin) || pin.length === 0 || !pin.every((cpu) => Number.isInteger(cpu) && cpu >= 0)) {
    throw new TypeError('pin must be true, false, or a non-empty list of CPU numbers');
  }
  return [...pin];
}
