import { CancelCallback, Cancelled, CancelSource, InvalidStateError, tracer } from '@spindle/core-context';
import { isByMessage, readValue } from '../protocol/codec.js';
import { ACTIVE, now, type PoolMemory, QUEUED } from '../protocol/shared-memory.js';
import type { Inbox } from './inbox.js';
import { REPORT_DELAY_MS, type ResultReporter } from './results.js';
import type { TaskFunction, TaskModules } from './task-modules.js';
import type { TaskQueues } from './task-queues.js';

/** Frames of the tasks running on this thread's stack (helping joins nest them). */
interface Frame {
  slot: number;
  /** The task's cancellation, made when first asked for (or when the task turns out async). */
  cancel: CancelSource | null;
}

/**
 * Runs one task: looks up its function, reads its arguments, calls it, and hands its
 * outcome to the ResultReporter. Keeps each running task's cancellation: a CancelSource whose
 * token is `taskToken()` and whose token's signal is `taskSignal()`.
 */
export class TaskRunner {
  private readonly frames: Frame[] = [];
  private readonly asyncCancels = new Map<number, CancelSource>();
  private readonly quickFunctions = new QuickFunctions(REPORT_DELAY_MS);
  /** Async tasks that have not settled yet (a cancelled one may go on after its loop moved on). */
  background = 0;

  constructor(
    private readonly memory: PoolMemory,
    private readonly modules: TaskModules,
    private readonly inbox: Inbox,
    private readonly queues: TaskQueues,
    private readonly results: ResultReporter,
  ) {}

  /**
   * Runs the task in `slot`. Returns a promise when the task is async and `sync` is false:
   * the loop awaits it until it settles or is cancelled (a cancelled task that ignores its
   * signal goes on in the background, and the worker takes other tasks). In a helping join
   * (`sync`) an async task finishes in the background.
   */
  run(slot: number, sync: boolean): Promise<void> | null {
    const memory = this.memory;
    const fork = memory.isFork(slot);
    const fnId = memory.fn(slot);
    let fn: TaskFunction | null = null;
    let lookupError: unknown = null;
    try {
      fn = this.modules.lookup(fnId);
    } catch (error) {
      lookupError = error ?? new Error(`task function ${fnId} failed to load`);
    }
    if (fn === null && lookupError === null && memory.state(slot) === QUEUED) {
      // Only inside a helping join: the module is still loading; the loop runs it later.
      // The slot stays QUEUED meanwhile, so a cancel still stops it from ever running.
      this.queues.deferred.push(slot);
      return null;
    }
    const args = isByMessage(memory, slot) ? this.inbox.takePayload(slot) : null;
    if (!memory.transition(slot, QUEUED, ACTIVE)) {
      if (fork) return null;
      memory.setRunner(slot, -1); // reported: the pool need not free it if this worker dies
      this.results.reportToMain(slot); // cancelled while queued: the main thread frees it
      return null;
    }
    memory.setStartedAt(slot, now());
    if (tracer !== null) tracer.begin('pool', 'task', slot); // every path from here ends in finish()
    if (fn === null) {
      this.finish(slot, fork, false, lookupError); // the lookup threw
      return null;
    }
    let list: unknown[];
    try {
      list = (args ?? readValue(memory, slot, this.inbox)) as unknown[];
    } catch (error) {
      this.finish(slot, fork, false, error);
      return null;
    }
    // A task that may run long must not hold the results finished before it.
    if (!this.quickFunctions.isQuick(fnId)) this.results.notifyMain();
    const frame: Frame = { slot, cancel: null };
    this.frames.push(frame);
    memory.setHoldsThread(slot, true); // through every fork a helping join nests inside it
    let result: unknown;
    let thenable: boolean;
    try {
      result = fn(...list);
      thenable = isThenable(result); // reads `then`, whose getter may throw
    } catch (error) {
      this.finish(slot, fork, false, error);
      return null;
    } finally {
      this.frames.pop();
      memory.setHoldsThread(slot, false);
    }
    if (!thenable) {
      this.finish(slot, fork, true, result);
      return null;
    }
    if (fork) {
      this.finish(slot, fork, false, new TypeError('fork-join subtasks must be synchronous functions'));
      return null;
    }
    const cancel = this.trackAsync(slot, frame);
    const settled = Promise.resolve(result).then(
      (value) => this.finish(slot, false, true, value),
      (error: unknown) => this.finish(slot, false, false, error),
    );
    this.background++;
    void settled.finally(() => this.background--);
    return sync ? null : settledOrCancelled(settled, cancel);
  }

  private trackAsync(slot: number, frame: Frame): CancelSource {
    const cancel = (frame.cancel ??= new CancelSource());
    this.asyncCancels.set(slot, cancel);
    if (this.memory.isAborted(slot)) cancelByCaller(cancel);
    return cancel;
  }

  /**
   * The main thread cancelled the async task in `slot`: cancel its token (which aborts its
   * signal). The message may arrive after that task finished and its slot was given to the
   * next task (whose header cleared the flag): only the flag says the cancel is this task's.
   */
  abort(slot: number): void {
    const cancel = this.asyncCancels.get(slot);
    if (cancel !== undefined && this.memory.isAborted(slot)) cancelByCaller(cancel);
  }

  /**
   * The cancellation of the task running on top of this thread's stack, brought up to date
   * with the cancel flag in shared memory (so a synchronous loop can poll by asking again).
   */
  cancellation(what: string): CancelSource {
    const frame = this.frames[this.frames.length - 1];
    if (frame === undefined) {
      throw new InvalidStateError(`${what} must be called synchronously inside a pool task`);
    }
    const cancel = (frame.cancel ??= new CancelSource());
    if (this.memory.isAborted(frame.slot)) cancelByCaller(cancel);
    return cancel;
  }

  private finish(slot: number, fork: boolean, ok: boolean, value: unknown): void {
    const memory = this.memory;
    if (tracer !== null) tracer.end('pool', 'task', slot);
    this.asyncCancels.delete(slot);
    memory.setFinishedAt(slot, now());
    this.quickFunctions.record(memory.fn(slot), memory.runTime(slot));
    this.results.publish(slot, fork, ok, value);
  }
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

/** Resolves when `settled` does or when the task is cancelled, whichever comes first. */
function settledOrCancelled(settled: Promise<void>, cancel: CancelSource): Promise<void> {
  if (cancel.token.cancelled) return Promise.resolve();
  return new Promise((resolve) => {
    const listener = new CancelCallback(() => resolve());
    cancel.token.listen(listener);
    void settled.then(() => {
      cancel.token.unlisten(listener);
      resolve();
    });
  });
}

/** Cancels a task's token (once) with a reason that names that token. */
function cancelByCaller(cancel: CancelSource): void {
  if (cancel.token.cancelled) return;
  cancel.cancel(new Cancelled('The task was cancelled by its caller', { token: cancel.token }));
}

/**
 * Which task functions have always finished within a threshold on this worker. Before a
 * task starts, a worker announces the results it holds unless the task's function is known
 * to be quick: tiny tasks keep batching their wake-ups of the main thread, and any function
 * that has once run long (or has never run) cannot hold finished results behind it.
 */
class QuickFunctions {
  private readonly quick = new Map<number, boolean>();

  constructor(private readonly thresholdMs: number) {}

  isQuick(fnId: number): boolean {
    return this.quick.get(fnId) === true;
  }

  record(fnId: number, ranMs: number): void {
    if (ranMs >= this.thresholdMs) this.quick.set(fnId, false);
    else if (!this.quick.has(fnId)) this.quick.set(fnId, true);
  }
}
