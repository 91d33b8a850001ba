import { type Fiber, newTask, taskOf } from './fiber.js';
import type { FiberGenerator, FiberTask } from './fiber-task.js';
import { checkedBody, checkedOptions, type FiberRecords, type SpawnOptions, spawnFrom } from './spawn.js';

/**
 * The caller-provided form of spawning: fiber records are kept and reused. `spawn` takes a
 * released record (or makes one); the caller calls `release(fiber)` once it no longer needs
 * the handle (after joining it), and the record goes back to the pool. A released handle
 * must not be used: the next spawn gives it a new id and a new body.
 */
export class FiberPool {
  /** The tasks of released fibers (a task keeps its Fiber handle for life). */
  readonly #free: FiberTask<unknown>[] = [];
  readonly #capacity: number;
  /** What spawnFrom takes records from: a released one, else a new one. */
  readonly #records: FiberRecords = {
    take: <T>() => (this.#free.pop() as FiberTask<T> | undefined) ?? newTask<T>(),
  };

  /** Keeps at most `capacity` released records (default unbounded). */
  constructor(capacity = Number.POSITIVE_INFINITY) {
    if (typeof capacity !== 'number' || !(capacity >= 0)) {
      throw new RangeError(`capacity must be a number >= 0, got ${String(capacity)}`);
    }
    this.#capacity = capacity;
  }

  /** Released records ready for reuse. */
  get available(): number {
    return this.#free.length;
  }

  /** Like `spawn`, on a recycled record when one is available. */
  spawn<A extends unknown[], T>(fn: (...args: A) => FiberGenerator<T>, ...args: A): Fiber<T> {
    return spawnFrom(this.#records, undefined, checkedBody(fn)(...args), this.spawn);
  }

  /** Like `spawnWith`, on a recycled record when one is available. */
  spawnWith<A extends unknown[], T>(
    options: SpawnOptions,
    fn: (...args: A) => FiberGenerator<T>,
    ...args: A
  ): Fiber<T> {
    return spawnFrom(this.#records, checkedOptions(options), checkedBody(fn)(...args), this.spawnWith);
  }

  /**
   * Hands a finished fiber's record back for reuse. Throws InvalidStateError when the
   * fiber has not finished; releasing the same record twice is ignored.
   */
  release(fiber: Fiber<unknown>): void {
    const task = taskOf(fiber);
    if (task.markReleased() && this.#free.length < this.#capacity) this.#free.push(task);
  }
}
