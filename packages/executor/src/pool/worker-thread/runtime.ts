/** The entry script of every ThreadPool worker thread: its loop takes tasks from shared memory and runs them. */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { createRandom } from '@spindle/core-context';
import { CLOSE_GRACE_MS } from '../protocol/grace-periods.js';
import type { Control, WorkerInit } from '../protocol/messages.js';
import { PoolMemory, QUEUED, SHUTDOWN, STOP } from '../protocol/shared-memory.js';
import { ForkJoin } from './fork-join.js';
import { Inbox } from './inbox.js';
import { ResultReporter } from './results.js';
import { setUpThread } from './set-up.js';
import { installTaskApi } from './task-api.js';
import { TaskModules } from './task-modules.js';
import { TaskQueues, turn } from './task-queues.js';
import { TaskRunner } from './task-runner.js';

/** How long the loop runs tasks back to back before it lets the event loop turn once. */
const TURN_EVERY_MS = 10;

/** The pool's side of one worker thread: takes tasks from shared memory, runs them, reports results. */
class WorkerRuntime {
  private readonly memory: PoolMemory;
  private readonly words: Int32Array;
  private readonly modules: TaskModules;
  private readonly queues: TaskQueues;
  private readonly results: ResultReporter;
  private readonly runner: TaskRunner;

  constructor(private readonly init: WorkerInit) {
    const memory = new PoolMemory(init.buffer, init.geometry);
    this.memory = memory;
    this.words = memory.words;
    const inbox = new Inbox(init.toWorker);
    this.modules = new TaskModules(inbox);
    this.queues = new TaskQueues(memory, init.index, init.stealing, createRandom(init.index + 1));
    this.results = new ResultReporter(memory, init.index, init.toMain);
    this.runner = new TaskRunner(memory, this.modules, inbox, this.queues, this.results);
    const forkJoin = new ForkJoin(
      memory,
      init.index,
      init.stealing,
      this.modules,
      inbox,
      this.queues,
      this.runner,
      this.results,
    );
    installTaskApi(forkJoin, this.runner);
  }

  async start(): Promise<void> {
    const port = parentPort!;
    port.on('message', (message: Control) => this.runner.abort(message.slot));
    port.postMessage(await setUpThread(this.init));
    this.modules.update();
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
    while (this.runner.background > 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private async loop(): Promise<void> {
    const queues = this.queues;
    let lastTurn = performance.now();
    while (Atomics.load(this.words, SHUTDOWN) !== STOP) {
      const slot = queues.deferred.length > 0 ? queues.deferred.shift()! : queues.take();
      if (slot < 0) {
        this.results.notifyMain();
        await queues.park(this.runner.background > 0);
        lastTurn = performance.now();
        continue;
      }
      queues.wakeAnotherIfBusy();
      const fnId = this.memory.fn(slot);
      // A task cancelled before this point is reported by run() without waiting for its module.
      if (!this.isLoaded(fnId) && this.memory.state(slot) === QUEUED)
        await this.occupiedBy(slot, this.modules.load(fnId));
      const pending = this.runner.run(slot, false);
      if (pending !== null) {
        this.results.notifyMain();
        await this.occupiedBy(slot, pending);
      }
      if (performance.now() - lastTurn > TURN_EVERY_MS) {
        await turn();
        lastTurn = performance.now();
      }
    }
  }

  /**
   * Waits for `work` of the task in `slot`, marked in shared memory as what holds this
   * worker: if that task is cancelled and the mark stays, the pool replaces the worker.
   */
  private async occupiedBy(slot: number, work: Promise<void>): Promise<void> {
    this.memory.setHoldsThread(slot, true);
    try {
      await work;
    } finally {
      this.memory.setHoldsThread(slot, false);
    }
  }

  /** True when the task function can run now (or its lookup fails, which run() reports as the task's error). */
  private isLoaded(fnId: number): boolean {
    try {
      return this.modules.lookup(fnId) !== null;
    } catch {
      return true;
    }
  }
}

// This module is the script every ThreadPool worker thread starts.
void new WorkerRuntime(workerData as WorkerInit).start();
