import { type CancelToken, type Executor, Operation, type Waiter } from '@spindle/core-context';
import { currentTask, type FiberStatus, FiberTask } from './fiber-task.js';

let makeTask: <T>() => FiberTask<T>;
let taskOfFiber: <T>(fiber: Fiber<T>) => FiberTask<T>;

/**
 * A fiber as its users see it: a generator function running as a green thread, and an
 * Operation over its result, so `yield* fiber` joins it in a fiber and `await fiber` (or
 * `then`/`catch`/`finally`) joins it from async code.
 *
 * A handle over the scheduler's FiberTask, held in a private field: user code cannot wake,
 * run or relink a fiber. `park`/`unpark` are the Waitable protocol of joining its result.
 */
export class Fiber<T = unknown> extends Operation<T> {
  readonly #task: FiberTask<T>;

  private constructor() {
    super();
    this.#task = new FiberTask<T>(this);
  }

  static {
    makeTask = <T>() => new Fiber<T>().#task;
    taskOfFiber = <T>(fiber: Fiber<T>) => {
      if (typeof fiber !== 'object' || fiber === null || !(#task in fiber)) {
        throw new TypeError(`expected a Fiber, got ${fiber === null ? 'null' : typeof fiber}`);
      }
      return fiber.#task;
    };
  }

  /** Unique id (a pooled record gets a new one each time it is spawned). */
  get id(): number {
    return this.#task.id;
  }

  /** The name given at spawn, else `fiber-<id>`. */
  get name(): string {
    return this.#task.name;
  }

  get status(): FiberStatus {
    return this.#task.status;
  }

  /** The executor that runs this fiber; children spawned inside it default to it. */
  get executor(): Executor {
    return this.#task.executor;
  }

  /** The fiber's result as an operation: `yield* fiber.join()` or `await fiber.join()`. */
  join(): Operation<T> {
    return this;
  }

  /**
   * The fiber's cancellation token: a child of its spawner's token (or of the `token` or
   * `signal` it was spawned with), cancelled by `halt()`. Hand it to waits and APIs that
   * should stop with the fiber (`token.signal` for `fetch`). Made on first read.
   */
  get token(): CancelToken {
    return this.#task.ownToken;
  }

  /**
   * Stops the fiber by cancelling its token (`reason` becomes the cause of the token's
   * `Cancelled`); the fibers it spawned are halted with it. A parked fiber is withdrawn
   * from its wait (a result it was handed but did not consume goes back through
   * `restore`), then its generator unwinds with `return()`, running `finally` blocks
   * (status `halting`). Those may wait, under a grace token: a second `halt()`, or the
   * grace deadline (`spawnWith({ graceMs })`, default 5 s), cancels the cleanup's waits
   * too. Joiners then fail with `Cancelled`. Halting a running fiber (itself) takes effect
   * at its next `yield`. Halting a finished fiber does nothing.
   *
   * Returns the fiber's end as an operation: `yield* fiber.halt()` or
   * `await fiber.halt()` completes once the fiber has really ended (its cleanup done),
   * whatever its outcome (join it for that). Not waiting on it still halts.
   */
  halt(reason?: unknown): Operation<void> {
    return this.#task.halt(reason);
  }

  /** A readable account of what the fiber waits on, or null when it does not wait. */
  waitingOn(): string | null {
    return this.#task.waitingOn();
  }

  describe(): string {
    return this.#task.describe();
  }

  /**
   * A withdrawn join leaves no trace (it does not count as having observed a failure), so a
   * fiber can be a `select` case. A prototype getter: no field per fiber.
   */
  get selectable(): boolean {
    return true;
  }

  /** Joins `waiter` to the fiber's result: woken with it, or failed like any joiner. */
  park(waiter: Waiter<T>): void {
    this.#task.addJoiner(waiter);
  }

  /** Withdraws a joiner; true if it was still waiting. */
  unpark(waiter: Waiter<T>): boolean {
    return this.#task.removeJoiner(waiter);
  }
}

/** The fiber whose code is running now, or null outside fibers. */
export function current(): Fiber | null {
  return currentTask()?.handle ?? null;
}

/** @internal a new, unstarted fiber record (spawn starts it), by its task; `.handle` is the Fiber */
export function newTask<T>(): FiberTask<T> {
  return makeTask<T>();
}

/** @internal the scheduler's side of `fiber`; a TypeError for anything else */
export function taskOf<T>(fiber: Fiber<T>): FiberTask<T> {
  return taskOfFiber(fiber);
}
