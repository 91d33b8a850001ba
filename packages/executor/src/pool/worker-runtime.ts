import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { Cancelled, createRandom, InvalidStateError, tracer } from '@spindle/core-context';
import { isByMessage, markByMessage, readValue, writeValue } from './codec.js';
import { errorToRecord, recordToError, shortRecord } from './errors.js';
import {
  ACTIVE,
  CANCELLED,
  COMPLETE_SEQ,
  DONE,
  FAILED,
  FLAG_ABORT,
  FLAG_FORK,
  FREE,
  IDLE_WORKERS,
  MAIN_WAITING,
  NEVER_SET,
  PARK_SEQ,
  QUEUED,
  S_FLAGS,
  S_FN,
  S_RUNNER,
  SHUTDOWN,
  STAT_RUN,
  STAT_STOLEN,
  STOP,
} from './layout.js';
import { PoolMemory } from './memory.js';
import type { Control, Status, ToMain, WorkerInit } from './messages.js';
import { describeThread, pinCurrentThread } from './pinning.js';
import { QuickFunctions } from './quick-functions.js';
import { WorkerCatalog } from './worker-catalog.js';
import { installTracer } from './worker-tracer.js';

type TaskFunction = (...args: unknown[]) => unknown;

/** A fork that could not get a slot ran inline; its outcome is kept here. */
interface ForkHandle<T> {
  readonly slot: number;
  readonly ok: boolean;
  readonly value: T | undefined;
}

/** Frames of the tasks running on this thread's stack (helping joins nest them). */
interface Frame {
  slot: number;
  controller: AbortController | null;
}

const PARK_TIMEOUT_MS = 50;
/** How long an idle worker polls for work before it parks on the futex. */
const SPIN_MS = 0.03;
/** How long the loop runs tasks back to back before it lets the event loop turn once. */
const TURN_EVERY_MS = 10;
/** Completions a worker may publish before it must wake the main thread... */
const REPORT_BATCH = 32;
/** ...or how long the oldest of them may wait. */
const REPORT_DELAY_MS = 0.05;
/** How long a closing worker lets cancelled tasks that are still running finish. */
const CLOSE_GRACE_MS = 1_000;
const EMPTY_FORK: ForkHandle<never> = { slot: -1, ok: true, value: undefined };

let runtime: WorkerRuntime | null = null;

function now(): number {
  return performance.timeOrigin + performance.now();
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The pool's side of one worker thread: takes tasks from shared memory, runs them, reports results. */
class WorkerRuntime {
  readonly memory: PoolMemory;
  readonly index: number;
  readonly stealing: boolean;
  readonly catalog: WorkerCatalog;
  private readonly words: Int32Array;
  private readonly freeForks: number[] = [];
  private readonly frames: Frame[] = [];
  private readonly asyncControllers = new Map<number, AbortController>();
  /** Tasks taken inside a helping join whose module had not loaded yet: run by the loop later. */
  private readonly deferred: number[] = [];
  private readonly random: () => number;
  private readonly quickFunctions = new QuickFunctions(REPORT_DELAY_MS);
  private background = 0;
  private unreported = 0;
  private firstUnreportedAt = 0;

  constructor(private readonly init: WorkerInit) {
    this.memory = new PoolMemory(init.buffer, init.geometry);
    this.index = init.index;
    this.stealing = init.stealing;
    this.words = this.memory.words;
    this.catalog = new WorkerCatalog(init.toWorker);
    this.random = createRandom(init.index + 1);
    const start = this.memory.layout.forkSlotStart(init.index);
    for (let slot = start + init.geometry.forkSlots - 1; slot >= start; slot--) {
      const state = this.memory.state(slot);
      if (state !== QUEUED && state !== ACTIVE) this.freeForks.push(slot);
    }
  }

  async start(): Promise<void> {
    const port = parentPort!;
    port.on('message', (message: Control) => this.abort(message.slot));
    port.postMessage(await this.setUp());
    this.catalog.drain();
    await this.loop();
    await this.letBackgroundFinish();
    process.exit(0);
  }

  /**
   * At shutdown only cancelled tasks can still run (the pool waited for all others): give
   * their cleanup up to CLOSE_GRACE_MS, and exit regardless, so one that never settles
   * cannot hold close() open.
   */
  private async letBackgroundFinish(): Promise<void> {
    const deadline = performance.now() + CLOSE_GRACE_MS;
    while (this.background > 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Pins this thread and installs its tracer, as the pool asked. */
  private async setUp(): Promise<Status> {
    const failed = (what: string, error: unknown): Status => ({
      t: 'setup-failed',
      message: `${what}: ${String((error as Error)?.message ?? error)}`,
    });
    let thread: ReturnType<typeof describeThread>;
    try {
      if (this.init.pin !== null) pinCurrentThread(this.init.pin);
      thread = describeThread();
    } catch (error) {
      return failed('could not pin itself', error);
    }
    try {
      if (this.init.tracer !== null) await installTracer(this.init.tracer);
    } catch (error) {
      return failed('could not install its tracer', error);
    }
    return { t: 'ready', ...thread };
  }

  private async loop(): Promise<void> {
    let lastTurn = performance.now();
    while (Atomics.load(this.words, SHUTDOWN) !== STOP) {
      const slot = this.deferred.length > 0 ? this.deferred.shift()! : this.take();
      if (slot < 0) {
        await this.park();
        lastTurn = performance.now();
        continue;
      }
      this.wakeAnotherIfBusy();
      const fnId = this.words[this.memory.field(slot, S_FN)]!;
      if (!this.isLoaded(fnId)) await this.catalog.load(fnId);
      const pending = this.run(slot, false);
      if (pending !== null) {
        this.notifyMain();
        await pending;
      }
      if (performance.now() - lastTurn > TURN_EVERY_MS) {
        await turn();
        lastTurn = performance.now();
      }
    }
  }

  /** True when the task function can run now (or its lookup fails, which run() reports as the task's error). */
  private isLoaded(fnId: number): boolean {
    try {
      return this.catalog.lookup(fnId) !== null;
    } catch {
      return true;
    }
  }

  /**
   * Next task slot, or -1 if none. The slot is marked as this worker's: until it starts it
   * is in no queue, and the pool must find it if this worker dies.
   */
  take(): number {
    const slot = this.takeFromQueues();
    if (slot >= 0) this.words[this.memory.field(slot, S_RUNNER)] = this.index;
    return slot;
  }

  /** Next slot from this worker's inbox, its deque, the global queue, or a victim's deque; -1 if none. */
  private takeFromQueues(): number {
    const memory = this.memory;
    let slot = memory.inboxes[this.index]!.shift();
    if (slot >= 0) return slot;
    if (this.stealing) {
      slot = memory.deques[this.index]!.pop();
      if (slot >= 0) return slot;
    }
    slot = memory.global.shift();
    if (slot >= 0) {
      if (this.stealing) this.grabBatch();
      return slot;
    }
    return this.stealing ? this.steal() : -1;
  }

  /** Moves a share of the global queue onto this worker's deque, where thieves can balance it. */
  private grabBatch(): void {
    const memory = this.memory;
    const deque = memory.deques[this.index]!;
    let count = Math.min(
      32,
      Math.floor(memory.global.size / memory.layout.geometry.workers),
      deque.capacity - deque.size - memory.layout.geometry.forkSlots,
    );
    while (count-- > 0) {
      const slot = memory.global.shift();
      if (slot < 0) break;
      deque.push(slot);
    }
  }

  /** Steals half of a random victim's deque: runs the first, keeps the rest on its own deque. */
  private steal(): number {
    const memory = this.memory;
    const workers = memory.layout.geometry.workers;
    if (workers < 2) return -1;
    const start = Math.floor(this.random() * workers);
    for (let i = 0; i < workers; i++) {
      const victim = (start + i) % workers;
      if (victim === this.index) continue;
      const source = memory.deques[victim]!;
      const available = source.size;
      if (available === 0) continue;
      const first = source.steal();
      if (first < 0) continue;
      const own = memory.deques[this.index]!;
      let stolen = 1;
      for (let more = (available >> 1) - 1; more > 0 && own.size < own.capacity - 1; more--) {
        const slot = source.steal();
        if (slot < 0) break;
        own.push(slot);
        stolen++;
      }
      Atomics.add(this.words, memory.layout.statIndex(this.index, STAT_STOLEN), stolen);
      if (tracer !== null) tracer.instant('pool', 'steal', this.index, stolen);
      return first;
    }
    return -1;
  }

  private hasWork(): boolean {
    const memory = this.memory;
    if (this.deferred.length > 0 || memory.inboxes[this.index]!.size > 0 || memory.global.size > 0)
      return true;
    if (!this.stealing) return false;
    for (const deque of memory.deques) if (deque.size > 0) return true;
    return false;
  }

  /** Wakes one parked worker when work is left over (each woken worker passes it on: no herd). */
  private wakeAnotherIfBusy(): void {
    if (Atomics.load(this.words, IDLE_WORKERS) > 0 && this.hasWork()) wakeOne(this.words);
  }

  private async park(): Promise<void> {
    this.notifyMain();
    if (this.spinForWork()) return;
    const words = this.words;
    const seq = Atomics.load(words, PARK_SEQ);
    Atomics.add(words, IDLE_WORKERS, 1);
    if (!this.hasWork() && Atomics.load(words, SHUTDOWN) !== STOP) {
      if (tracer !== null) tracer.instant('pool', 'park', this.index);
      if (this.background > 0) {
        const wait = Atomics.waitAsync(words, PARK_SEQ, seq, PARK_TIMEOUT_MS);
        if (wait.async) await wait.value;
      } else if (Atomics.wait(words, PARK_SEQ, seq, PARK_TIMEOUT_MS) === 'timed-out') {
        Atomics.sub(words, IDLE_WORKERS, 1);
        await turn(); // let timers and control messages run while idle
        return;
      }
    }
    Atomics.sub(words, IDLE_WORKERS, 1);
  }

  /** Polls briefly before sleeping: a task that arrives within microseconds then costs no futex wake-up. */
  private spinForWork(): boolean {
    const until = performance.now() + SPIN_MS;
    do {
      if (this.hasWork()) return true;
    } while (performance.now() < until);
    return false;
  }

  /**
   * Runs the task in `slot`. Returns a promise when the task is async and `sync` is false:
   * the loop awaits it until it settles or is cancelled (a cancelled task that ignores its
   * signal goes on in the background, and the worker takes other tasks). In a helping join
   * (`sync`) an async task finishes in the background.
   */
  run(slot: number, sync: boolean): Promise<void> | null {
    const memory = this.memory;
    const words = this.words;
    const fork = (words[memory.field(slot, S_FLAGS)]! & FLAG_FORK) !== 0;
    const fnId = words[memory.field(slot, S_FN)]!;
    let fn: TaskFunction | null = null;
    let lookupError: unknown = null;
    try {
      fn = this.catalog.lookup(fnId);
    } catch (error) {
      lookupError = error ?? new Error(`task function ${fnId} failed to load`);
    }
    if (fn === null && lookupError === null && memory.state(slot) === QUEUED) {
      // Only inside a helping join: the module is still loading; the loop runs it later.
      // The slot stays QUEUED meanwhile, so a cancel still stops it from ever running.
      this.deferred.push(slot);
      return null;
    }
    const args = isByMessage(memory, slot) ? this.catalog.takePayload(slot) : null;
    if (!memory.transition(slot, QUEUED, ACTIVE)) {
      if (fork) return null;
      words[memory.field(slot, S_RUNNER)] = -1; // reported: the pool need not free it if this worker dies
      this.reportToMain(slot); // cancelled while queued: the main thread frees it
      return null;
    }
    memory.times[slot * 3 + 1] = now();
    if (tracer !== null) tracer.begin('pool', 'task', slot); // every path from here ends in finish()
    if (fn === null) {
      this.finish(slot, fork, false, lookupError); // the lookup threw
      return null;
    }
    let list: unknown[];
    try {
      list = (args ?? readValue(memory, slot, this.catalog)) as unknown[];
    } catch (error) {
      this.finish(slot, fork, false, error);
      return null;
    }
    // A task that may run long must not hold the results finished before it.
    if (!this.quickFunctions.isQuick(fnId)) this.notifyMain();
    const frame: Frame = { slot, controller: null };
    this.frames.push(frame);
    let result: unknown;
    try {
      result = fn(...list);
    } catch (error) {
      this.finish(slot, fork, false, error);
      return null;
    } finally {
      this.frames.pop();
    }
    if (!isThenable(result)) {
      this.finish(slot, fork, true, result);
      return null;
    }
    if (fork) {
      this.finish(slot, fork, false, new TypeError('fork-join subtasks must be synchronous functions'));
      return null;
    }
    const signal = this.trackAsync(slot, frame);
    const settled = Promise.resolve(result).then(
      (value) => this.finish(slot, false, true, value),
      (error: unknown) => this.finish(slot, false, false, error),
    );
    this.background++;
    void settled.finally(() => this.background--);
    return sync ? null : settledOrAborted(settled, signal);
  }

  private trackAsync(slot: number, frame: Frame): AbortSignal {
    const controller = frame.controller ?? new AbortController();
    frame.controller = controller;
    this.asyncControllers.set(slot, controller);
    if ((Atomics.load(this.words, this.memory.field(slot, S_FLAGS)) & FLAG_ABORT) !== 0)
      controller.abort(cancelReason());
    return controller.signal;
  }

  private abort(slot: number): void {
    this.asyncControllers.get(slot)?.abort(cancelReason());
  }

  /** The signal of the task running on top of this thread's stack. */
  signal(): AbortSignal {
    const frame = this.frames[this.frames.length - 1];
    if (frame === undefined) {
      throw new InvalidStateError('taskSignal() must be called synchronously inside a pool task');
    }
    frame.controller ??= new AbortController();
    const aborted = (Atomics.load(this.words, this.memory.field(frame.slot, S_FLAGS)) & FLAG_ABORT) !== 0;
    if (aborted && !frame.controller.signal.aborted) frame.controller.abort(cancelReason());
    return frame.controller.signal;
  }

  private finish(slot: number, fork: boolean, ok: boolean, value: unknown): void {
    const memory = this.memory;
    if (tracer !== null) tracer.end('pool', 'task', slot);
    this.asyncControllers.delete(slot);
    const times = memory.times;
    times[slot * 3 + 2] = now();
    this.quickFunctions.record(
      this.words[memory.field(slot, S_FN)]!,
      times[slot * 3 + 2]! - times[slot * 3 + 1]!,
    );
    const problem = this.store(slot, fork, ok ? value : errorToRecord(value));
    if (problem !== null) {
      // A failing task keeps its own error (shortened if need be); a result that cannot cross becomes one.
      const error = ok ? problem : value;
      ok = false;
      if (this.store(slot, fork, errorToRecord(error)) !== null)
        writeValue(memory, slot, shortRecord(error), null);
    }
    Atomics.add(this.words, memory.layout.statIndex(this.index, STAT_RUN), 1);
    Atomics.store(this.words, memory.field(slot, 0), ok ? DONE : FAILED);
    if (fork) Atomics.notify(this.words, memory.field(slot, 0));
    else this.reportToMain(slot);
  }

  /** Puts a result in its slot (or, for a main task, in a message); returns why it could not. */
  private store(slot: number, fork: boolean, payload: unknown): Error | null {
    try {
      // v8.serialize would copy a view over shared memory: only a message keeps it shared.
      const keepShared = !fork && isSharedView(payload);
      if (!keepShared && writeValue(this.memory, slot, payload, null)) return null;
      if (fork)
        return new RangeError('a fork-join result does not fit its slot: raise the pool option slotBytes');
    } catch (error) {
      // v8.serialize refuses shared memory; a message can still carry it to the main thread.
      if (fork) return new TypeError(`a fork-join result cannot cross threads: ${(error as Error).message}`);
    }
    try {
      const message: ToMain = { slot, value: payload };
      this.init.toMain.postMessage(message);
    } catch (error) {
      return new TypeError(`the task's result cannot be sent to its caller: ${(error as Error).message}`);
    }
    markByMessage(this.memory, slot);
    return null;
  }

  /**
   * Publishes a finished main-thread task. The main thread is woken when this worker is
   * about to wait (no work, an awaited task, a blocked join) or to start a task that may run
   * long (see QuickFunctions), after a batch of completions, or when results have waited a
   * while. A wake-up costs a syscall only while the main thread sleeps; while it drains,
   * results pile up for one pass.
   */
  private reportToMain(slot: number): void {
    // The ring holds every main slot, so it only looks full while the main thread is between
    // claiming a cell and releasing it: wait that out rather than drop the completion.
    while (!this.memory.completions.push(slot)) Atomics.wait(this.words, NEVER_SET, 0, 0.05);
    Atomics.add(this.words, COMPLETE_SEQ, 1);
    const at = performance.now();
    if (this.unreported++ === 0) this.firstUnreportedAt = at;
    if (this.unreported >= REPORT_BATCH || at - this.firstUnreportedAt >= REPORT_DELAY_MS) this.notifyMain();
  }

  /** Wakes the main thread if it waits for completions this worker has published. */
  notifyMain(): void {
    if (this.unreported === 0) return;
    this.unreported = 0;
    const words = this.words;
    // Only the main thread clears the flag: a worker that cleared it could swallow the
    // wake-up another worker's newer completion needs.
    if (Atomics.load(words, MAIN_WAITING) === 1) Atomics.notify(words, COMPLETE_SEQ, 1);
  }

  fork<T>(fn: TaskFunction, args: unknown[]): ForkHandle<T> {
    const memory = this.memory;
    const id = this.catalog.forkIdOf(fn);
    if (id === undefined) {
      throw new TypeError('fork() takes a function exported from a task module that this pool has loaded');
    }
    const slot = this.freeForks.pop();
    if (slot === undefined) return runInline(fn, args);
    const words = this.words;
    let fits = false;
    try {
      fits = writeValue(memory, slot, args, this.catalog);
    } catch {
      fits = false;
    }
    if (!fits) {
      this.freeForks.push(slot);
      return runInline(fn, args);
    }
    words[memory.field(slot, S_FN)] = id;
    words[memory.field(slot, S_FLAGS)] = FLAG_FORK;
    words[memory.field(slot, S_RUNNER)] = -1;
    Atomics.store(words, memory.field(slot, 0), QUEUED);
    const queued = (this.stealing && memory.deques[this.index]!.push(slot)) || memory.global.push(slot);
    if (!queued) {
      Atomics.store(words, memory.field(slot, 0), FREE);
      this.freeForks.push(slot);
      return runInline(fn, args);
    }
    if (Atomics.load(words, IDLE_WORKERS) > 0) wakeOne(words);
    return { slot, ok: true, value: undefined };
  }

  /** Waits for a fork, running other tasks meanwhile (a helping join), and returns its result. */
  join<T>(handle: ForkHandle<T>): T {
    if (handle.slot < 0) {
      if (handle.ok) return handle.value as T;
      throw handle.value;
    }
    const memory = this.memory;
    const slot = handle.slot;
    const stateIndex = memory.field(slot, 0);
    for (;;) {
      const state = Atomics.load(this.words, stateIndex);
      if (state === DONE || state === FAILED || state === CANCELLED) break;
      const other = this.take();
      if (other >= 0) {
        this.run(other, true);
        continue;
      }
      this.notifyMain();
      Atomics.wait(this.words, stateIndex, state, 1);
    }
    const state = Atomics.load(this.words, stateIndex);
    const value =
      state === CANCELLED ? new Cancelled('the fork was cancelled') : readValue(memory, slot, null);
    Atomics.store(this.words, stateIndex, FREE);
    this.freeForks.push(slot);
    if (state === DONE) return value as T;
    throw recordToError(value);
  }
}

function wakeOne(words: Int32Array): void {
  Atomics.add(words, PARK_SEQ, 1);
  Atomics.notify(words, PARK_SEQ, 1);
}

function isSharedView(value: unknown): boolean {
  return ArrayBuffer.isView(value) && value.buffer instanceof SharedArrayBuffer;
}

/** Resolves when `settled` does or when `signal` aborts, whichever comes first. */
function settledOrAborted(settled: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    signal.addEventListener('abort', () => resolve(), { once: true });
    void settled.then(resolve);
  });
}

function cancelReason(): Cancelled {
  return new Cancelled('The task was cancelled by its caller');
}

function runInline<T>(fn: TaskFunction, args: unknown[]): ForkHandle<T> {
  try {
    const value = fn(...args) as T;
    if (isThenable(value))
      return {
        slot: -1,
        ok: false,
        value: new TypeError('fork-join subtasks must be synchronous functions') as T,
      };
    return value === undefined ? (EMPTY_FORK as ForkHandle<T>) : { slot: -1, ok: true, value };
  } catch (error) {
    return { slot: -1, ok: false, value: error as T };
  }
}

function current(what: string): WorkerRuntime {
  if (runtime === null) throw new InvalidStateError(`${what} can only be called inside a ThreadPool worker`);
  return runtime;
}

/** Starts the pool runtime of this worker thread (called by the worker entry script). */
export function startWorker(init: WorkerInit): Promise<void> {
  runtime = new WorkerRuntime(init);
  return runtime.start();
}

/** A subtask spawned by `fork`, to be passed to `join`. */
export type Fork<T> = ForkHandle<T>;

/**
 * Inside a pool task: spawns `fn(...args)` as a subtask on this worker's deque, where idle
 * workers may steal it. `fn` must be a synchronous function exported from a task module
 * the pool has loaded. When no fork slot is free it runs at once, inline.
 */
export function fork<A extends unknown[], T>(fn: (...args: A) => T, ...args: A): Fork<T> {
  return current('fork()').fork(fn as TaskFunction, args);
}

/** Inside a pool task: the result of a fork; runs other tasks while it waits, so nesting never deadlocks. */
export function join<T>(handle: Fork<T>): T {
  return current('join()').join(handle);
}

/**
 * Inside a pool task: its AbortSignal, aborted when the caller cancels. Call it
 * synchronously (at the start of an async task, keep the signal); synchronous loops may
 * call it again to poll, since each call reads the cancel flag from shared memory.
 */
export function taskSignal(): AbortSignal {
  return current('taskSignal()').signal();
}
