import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { WorkerCrashedError } from '@spindle/core-context';
import { CANCEL_GRACE_MS, CLOSE_GRACE_MS } from '../protocol/grace-periods.js';
import type { Status, ToWorker, WorkerInit } from '../protocol/messages.js';
import { COMPLETE_SEQ, type PoolMemory, SHUTDOWN, STOP } from '../protocol/shared-memory.js';
import type { Completions } from './completions.js';
import type { CrashError, CrashRecovery } from './crash-recovery.js';
import type { Dispatcher } from './dispatch.js';
import type { PoolConfig } from './options.js';
import type { PendingTasks } from './pending.js';
import { MAX_START_FAILURES, restartDelayMs } from './restart-policy.js';
import { setUpFailures } from './set-up-failure.js';

/** The main thread's record of the worker at one index. */
export interface WorkerState {
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
  /** Terminated by the pool (a cancelled task held it): replaced at once, without back-off. */
  replaced: boolean;
  /** Whether this worker reported from its thread (so it got past loading and setting up). */
  started: boolean;
  /** Workers in a row at this index that died before they started. */
  startFailures: number;
  /** Tasks this index had finished when this worker started. */
  runsAtSpawn: number;
  /** False once the worker has exited; `restart` then holds its pending replacement. */
  alive: boolean;
  restart: NodeJS.Timeout | null;
}

/** The parts of the pool the worker set works with when a worker starts, dies or cannot start. */
interface WorkerSetParts {
  /** While tasks are pending or an end is awaited, the workers (and a pending restart) hold the process open. */
  pending: PendingTasks;
  /** Keeps the results a dead worker sent; delivers what can be after a worker died or was replaced. */
  completions: Completions;
  /** Settles or queues again what a dead worker had; sends again what its replacement needs. */
  recovery: CrashRecovery;
  /** Fails every waiting task when no worker can start. */
  dispatcher: Dispatcher;
}

/** How long past a closing worker's own grace period the pool waits before it terminates the worker. */
const STOP_MARGIN_MS = 1_000;

const WORKER_ENTRY = new URL('../worker-thread/runtime.js', import.meta.url);

/**
 * The pool's worker threads: spawns them, tells each (and each replacement) every
 * registration, replaces one that dies (after a pause if it keeps dying), and stops them.
 */
export class WorkerSet {
  /** The current worker at each index. */
  readonly all: WorkerState[] = [];
  /** Messages every worker must have had before its first task, in order. */
  private readonly announcements: ToWorker[] = [];
  private readonly size: number;
  private nextTarget = 0;
  private stopped = false;
  /** Set while no worker can start: restarts wait for `revive()` (a new task). */
  private startFailure: WorkerCrashedError | null = null;
  private parts!: WorkerSetParts;

  constructor(
    private readonly memory: PoolMemory,
    private readonly config: PoolConfig,
  ) {
    this.size = config.geometry.workers;
  }

  /** Spawns the first worker at every index; `parts` are the pool's parts it works with from now on. */
  start(parts: WorkerSetParts): void {
    this.parts = parts;
    for (let i = 0; i < this.size; i++) this.all.push(this.spawn(i));
  }

  private isBusy(): boolean {
    return this.parts.pending.holdsProcess;
  }

  /** After workers could not start, a new task tries again: the dead ones are started now. */
  revive(): void {
    if (this.startFailure === null) return;
    this.startFailure = null;
    for (const w of this.all) {
      w.startFailures = 0; // each index gets its two tries in a row again
      if (!w.alive && w.restart === null) this.replace(w);
    }
  }

  /** Sends a registration to every worker, and to every worker spawned later. */
  announce(message: ToWorker): void {
    this.announcements.push(message);
    for (const w of this.all) w.toWorker.postMessage(message);
  }

  /** Resolves when every worker has started (and pinned itself, when asked to). */
  async ready(): Promise<void> {
    const waiting = this.all;
    for (const w of waiting) w.worker.ref(); // an idle pool holds nothing open, but a ready() caller waits
    try {
      await Promise.all(waiting.map((w) => w.ready));
    } finally {
      if (!this.isBusy()) for (const w of waiting) w.worker.unref();
    }
  }

  /** While tasks are pending or an end is awaited, the workers (and a pending restart) keep the process alive. */
  holdOpen(on: boolean): void {
    for (const w of this.all) {
      if (on) {
        w.worker.ref();
        w.restart?.ref();
      } else {
        w.worker.unref();
        w.restart?.unref();
      }
    }
  }

  /** The next worker, round-robin, that is alive (a dead one's inbox is sent again when it is replaced). */
  liveTarget(): number {
    for (let tries = 0; tries < this.size; tries++) {
      const target = this.nextTarget++ % this.size;
      if (this.all[target]!.alive) return target;
    }
    return this.nextTarget++ % this.size;
  }

  /**
   * A task that worker `index` had taken was cancelled. If after CANCEL_GRACE_MS the task is
   * still in its slot (`stillHeld()`) and on that worker's stack (a synchronous loop, also
   * one inside its own forks, or a module whose top-level await never settles), the worker
   * is terminated and replaced.
   */
  watchCancelled(slot: number, index: number, stillHeld: () => boolean): void {
    const watched = this.all[index]!;
    const timer = setTimeout(() => {
      if (this.stopped || this.all[index] !== watched || !watched.alive || !stillHeld()) return;
      if (!this.memory.holdsThread(slot)) return;
      watched.replaced = true;
      watched.lastError = new Error(
        `terminated: a task cancelled ${CANCEL_GRACE_MS} ms earlier still held its thread`,
      );
      void watched.worker.terminate();
    }, CANCEL_GRACE_MS);
    timer.unref();
  }

  /** Tells the workers to exit (or terminates them) and resolves once every one has gone. */
  async stop(terminate: boolean): Promise<void> {
    this.stopped = true;
    const words = this.memory.words;
    Atomics.store(words, SHUTDOWN, STOP);
    this.memory.wakeWorkers(this.size);
    Atomics.notify(words, COMPLETE_SEQ); // releases the main thread's pending waitAsync
    await Promise.all(
      this.all.map(async (w) => {
        if (!w.alive) {
          if (w.restart !== null) clearTimeout(w.restart);
          return;
        }
        const exited = new Promise<void>((resolve) => w.worker.once('exit', () => resolve()));
        w.worker.ref(); // hold the process open until the worker has gone
        if (terminate) void w.worker.terminate();
        // A worker still held by a cancelled task after its own grace period is terminated.
        const overdue = setTimeout(() => void w.worker.terminate(), CLOSE_GRACE_MS + STOP_MARGIN_MS);
        await exited;
        clearTimeout(overdue);
        w.toWorker.close();
        w.toMain.close();
      }),
    );
  }

  private spawn(index: number): WorkerState {
    const memory = this.memory;
    const config = this.config;
    const toWorker = new MessageChannel();
    const toMain = new MessageChannel();
    const init: WorkerInit = {
      buffer: memory.buffer,
      geometry: memory.layout.geometry,
      index,
      stealing: config.mode === 'stealing',
      toWorker: toWorker.port2,
      toMain: toMain.port1,
      pin: config.pin === null ? null : [config.pin[index % config.pin.length]!],
      tracer: config.tracer,
    };
    const worker = new Worker(WORKER_ENTRY, {
      workerData: init,
      transferList: [toWorker.port2, toMain.port1],
      ...(config.resourceLimits ? { resourceLimits: config.resourceLimits } : {}),
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
      replaced: false,
      started: false,
      startFailures: 0,
      runsAtSpawn: memory.tasksRun(index),
      alive: true,
      restart: null,
    };
    state.ready.catch(() => {}); // observed through ready()
    for (const message of this.announcements) state.toWorker.postMessage(message);
    worker.on('message', (status: Status) => {
      state.started = true;
      state.startFailures = 0;
      if (status.t === 'ready') {
        state.threadId = status.tid;
        state.cpus = status.cpus;
        markReady();
      } else {
        failReady(setUpFailures(index, status.failures, init.pin));
      }
    });
    worker.on('error', (error) => {
      state.lastError = error;
    });
    worker.on('exit', (code) => {
      // One that dies before it is ready (its tracer module exits, say) fails ready() instead of hanging it.
      const cause = state.lastError;
      const error = new WorkerCrashedError(
        index,
        `worker ${index} exited before it was ready${exitReason(cause, code)}`,
        {
          cause,
        },
      );
      failReady(error);
      this.onExit(state, code, error);
    });
    if (!this.isBusy()) worker.unref();
    return state;
  }

  /**
   * A worker died outside shutdown: keep the results it sent, fail what it was running, queue
   * again what it held or had queued, and replace it (after a pause if it keeps dying).
   */
  private onExit(dead: WorkerState, code: number, startError: WorkerCrashedError): void {
    if (this.stopped || this.all[dead.index] !== dead) return;
    const index = dead.index;
    // Results it finished are in its port, on the ring or only in their slots: take them before the port closes.
    this.parts.completions.collectFrom(dead);
    dead.toWorker.close();
    dead.toMain.close();
    dead.alive = false;
    dead.crashes++;
    const cause = dead.lastError;
    const crash: CrashError = (what) =>
      new WorkerCrashedError(index, `worker ${index} died while ${what}${exitReason(cause, code)}`, {
        cause,
      });
    this.parts.recovery.reclaim(index, crash);
    const finishedAny = this.memory.tasksRun(index) > dead.runsAtSpawn;
    dead.streak = finishedAny || dead.replaced ? 1 : dead.streak + 1;
    if (!dead.started) dead.startFailures++;
    if (!dead.started && this.cannotStart(dead, startError)) return;
    const delay = restartDelayMs(dead.streak);
    if (delay === 0) {
      this.replace(dead); // which delivers what the crash settled or freed
      return;
    }
    dead.restart = setTimeout(() => this.replace(dead), delay);
    if (!this.isBusy()) dead.restart.unref();
    this.parts.completions.deliver();
  }

  /**
   * Whether the pool has given up starting workers: once every index with a worker alive
   * has none that started and this one failed to start MAX_START_FAILURES times in a row,
   * restarts stop and every unsettled task fails with the start failure.
   */
  private cannotStart(dead: WorkerState, error: WorkerCrashedError): boolean {
    if (this.startFailure === null) {
      if (dead.startFailures < MAX_START_FAILURES || this.all.some((w) => w.alive && w.started)) return false;
      this.startFailure = error;
      for (const w of this.all) {
        if (w.restart !== null) clearTimeout(w.restart);
        w.restart = null;
      }
      this.parts.dispatcher.failUnsettled(error);
    }
    this.parts.completions.deliver();
    return true;
  }

  /** Starts the replacement of a dead worker, after the by-message tasks its predecessor lost are sent again. */
  private replace(dead: WorkerState): void {
    dead.restart = null;
    if (this.stopped) return;
    const index = dead.index;
    this.parts.recovery.resend(index);
    const replacement = this.spawn(index);
    replacement.crashes = dead.crashes;
    replacement.streak = dead.streak;
    replacement.startFailures = dead.startFailures;
    this.all[index] = replacement;
    if (this.isBusy()) replacement.worker.ref();
    this.parts.completions.deliver();
  }
}

/** How a worker ended, for error messages: its uncaught error, or its exit code. */
function exitReason(cause: unknown, code: number): string {
  return cause instanceof Error ? `: ${cause.message}` : ` with exit code ${code}`;
}
