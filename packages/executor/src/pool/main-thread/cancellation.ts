import { type CancelListener, Cancelled, type CancelToken } from '@spindle/core-context';
import type { Backpressure } from './backpressure.js';
import type { Dispatcher } from './dispatch.js';
import type { PendingTasks } from './pending.js';
import type { PoolTask } from './task.js';
import { hasEnded } from './task-result.js';

/**
 * Cancels accepted tasks, whoever asks: the call's signal or token, or the last waiter of
 * a result going away under a cancelled token. The result rejects at once; the task ends
 * at once when no worker took it, otherwise when its worker reports it stopped.
 */
export class TaskCancellation {
  constructor(
    private readonly dispatcher: Dispatcher,
    /** Also what holds the process open while a task's end is awaited (see PoolTask). */
    readonly pending: PendingTasks,
    private readonly room: Backpressure,
  ) {}

  /** Cancels `task` with `reason` (a settled task is left as it is). True while a worker still runs it. */
  cancel(task: PoolTask, reason: Cancelled): boolean {
    if (!task.settled) {
      this.dispatcher.fail(task, reason);
      this.room.wake();
    }
    return !hasEnded(task);
  }

  /**
   * Cancels `task` when `signal` aborts or `token` is cancelled, until it settles. Call it
   * once the task is scheduled: a signal or token cancelled meanwhile (argument getters run
   * user code) cancels it now.
   */
  listen(task: PoolTask, signal: AbortSignal | undefined, token: CancelToken | undefined): void {
    const hook = new CancelHook(this, task, signal, token);
    task.cancelHook = hook;
    if (signal !== undefined) {
      if (signal.aborted) {
        hook.handleEvent();
        return;
      }
      signal.addEventListener('abort', hook, ONCE);
    }
    if (token !== undefined && !token.listen(hook)) hook.onCancel(token.reason!);
  }
}

const ONCE = { once: true } as const;

/** One task's listener on its call's signal (`handleEvent`) and token (`onCancel`). */
export class CancelHook implements CancelListener {
  next: CancelListener | null = null;
  prev: CancelListener | null = null;
  owner: object | null = null;

  constructor(
    private readonly cancellation: TaskCancellation,
    private readonly task: PoolTask,
    private readonly signal: AbortSignal | undefined,
    private readonly token: CancelToken | undefined,
  ) {}

  handleEvent(): void {
    const reason = new Cancelled('The task was aborted by its signal', { cause: this.signal!.reason });
    this.cancellation.cancel(this.task, reason);
  }

  onCancel(reason: Cancelled): void {
    this.cancellation.cancel(this.task, reason);
  }

  /** The task settled: stop listening. */
  detach(): void {
    this.signal?.removeEventListener('abort', this);
    this.token?.unlisten(this);
  }
}
