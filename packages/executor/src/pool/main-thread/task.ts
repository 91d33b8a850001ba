import type { TransferListItem } from 'node:worker_threads';
import type { Cancelled, CancelToken, SinglyLinked } from '@spindle/core-context';
import type { Encoded } from '../protocol/codec.js';
import type { CancelHook, TaskCancellation } from './cancellation.js';
import type { EndHold } from './task-end.js';
import { TaskResult } from './task-result.js';

let registryOf: (handle: TaskHandle) => object | null;

/**
 * A task function registered with a pool: a module URL and an export name, called by id.
 * Ids are per pool: a handle passed to another pool is registered there by its module and
 * name.
 */
export class TaskHandle {
  readonly #registry: object | null;

  static {
    registryOf = (handle) => handle.#registry;
  }

  /** @internal */
  constructor(
    readonly id: number,
    readonly url: string,
    readonly name: string,
    registry: object | null = null,
  ) {
    this.#registry = registry;
  }
}

/** The registry that issued `handle` (null for one made by hand). */
export function issuerOf(handle: TaskHandle): object | null {
  return registryOf(handle);
}

/** What identifies a task function: a handle from `pool.task()`, or a module and export name. */
export type TaskRef = TaskHandle | { module: string | URL; name?: string };

export interface RunOptions {
  /** Cancels the task: a queued task is removed, a running one sees its `taskSignal()` abort. */
  signal?: AbortSignal;
  /**
   * Cancels the task as `signal` does when the token is cancelled; the result then rejects
   * with the token's `Cancelled`, and the task's `taskToken()` is cancelled in the worker.
   */
  token?: CancelToken;
  /** Objects to transfer rather than copy (the task then travels by message). */
  transfer?: readonly TransferListItem[];
}

/**
 * The main thread's record of one call: its result operation and the intrusive backlog
 * link. Its arguments are dropped once they are in shared memory (a crash queues the slot
 * again, whose payload stays there) or, with a transfer list, once they were posted.
 */
export class PoolTask<T = unknown> extends TaskResult<T> implements SinglyLinked<PoolTask> {
  next: PoolTask | null = null;
  owner: object | null = null;
  /** Slot in shared memory, or -1 while in the backlog. */
  slot = -1;
  /** Worker a by-message task was sent to. */
  target = -1;
  enqueuedAt = 0;
  /** Workers that died holding this task before it started (see restart-policy). */
  crashes = 0;
  /** Listens to the call's signal and token while the task is unsettled (null without either). */
  cancelHook: CancelHook | null = null;
  /** The arguments serialized for a slot, or null when they travel by message (see task-arguments). */
  encoded: Encoded | null = null;
  /** Whether the arguments carry top-level SharedArrayBuffers, announced to the workers on acceptance. */
  sharesBuffers = false;

  constructor(
    readonly fnId: number,
    /** The caller's arguments until they are written or sent (null afterwards, see above). */
    public args: unknown[] | null,
    public transfer: readonly TransferListItem[] | undefined,
    private readonly cancellation: TaskCancellation,
  ) {
    super();
  }

  /** The last-waiter rule (see TaskResult): nobody waits for it any more, so it is cancelled. */
  protected override abandoned(reason: Cancelled): boolean {
    return this.cancellation.cancel(this, reason);
  }

  /** While someone waits for its end, the pool's workers hold the process open. */
  protected override endHold(): EndHold {
    return this.cancellation.pending;
  }
}
