import { CancelToken, type Executor, waitFor } from '@spindle/core-context';
import { loopExecutor } from '@spindle/executor';
import { fiberDebugEnabled } from './debug.js';
import { type Fiber, newTask } from './fiber.js';
import { currentTask, type FiberGenerator, type FiberTask } from './fiber-task.js';

/** Options of `spawnWith`. */
export interface SpawnOptions {
  /** Where the fiber runs. Default: the spawning fiber's executor, else the default executor. */
  executor?: Executor;
  /** Shown by `liveFibers()`, in reports and in error messages. Default `fiber-<id>`. */
  name?: string;
  /** Record the spawn site for error stacks even when debug mode is off. */
  debug?: boolean;
  /**
   * Make the fiber's token a child of this token instead of the spawner's: the fiber is
   * halted when it is cancelled (and not when the spawner is halted).
   */
  token?: CancelToken;
  /** Like `token`, for an AbortSignal: the fiber is halted when it aborts. */
  signal?: AbortSignal;
  /**
   * Milliseconds its cleanup (the `finally` blocks run after a halt) may wait before its
   * waits are cancelled too. Default 5000; `Infinity` waits as long as the cleanup does.
   */
  graceMs?: number;
}

let defaultExecutor: Executor = loopExecutor;

/** The `next` of every generator a `function*` makes. */
const generatorNext = (function* () {})().next;

/** Sets the executor of fibers spawned outside fibers without one (default: `loopExecutor`); returns the previous one. */
export function setDefaultExecutor(executor: Executor): Executor {
  checkExecutor(executor);
  const previous = defaultExecutor;
  defaultExecutor = executor;
  return previous;
}

/** @internal where a spawn gets its Fiber record: a new one, or a FiberPool's released one. */
export interface FiberRecords {
  take<T>(): FiberTask<T>;
}

const newRecords: FiberRecords = { take: newTask };

/**
 * Starts `fn(...args)` as a fiber and returns its handle. It runs on the spawning fiber's
 * executor (outside fibers: the default, `loopExecutor`) and inherits the spawner's
 * fiber-local values. Allocates the Fiber beside the generator (and, on a fiber's first
 * spawn, that fiber's Lineage, which all its children share).
 */
export function spawn<A extends unknown[], T>(fn: (...args: A) => FiberGenerator<T>, ...args: A): Fiber<T> {
  return spawnFrom(newRecords, undefined, checkedBody(fn)(...args), spawn);
}

/** `spawn` with options: an executor, a name, spawn-site recording. */
export function spawnWith<A extends unknown[], T>(
  options: SpawnOptions,
  fn: (...args: A) => FiberGenerator<T>,
  ...args: A
): Fiber<T> {
  return spawnFrom(newRecords, checkedOptions(options), checkedBody(fn)(...args), spawnWith);
}

/** Runs `fn(...args)` as a fiber and returns a promise of its result (rejected like a join). */
export function run<A extends unknown[], T>(fn: (...args: A) => FiberGenerator<T>, ...args: A): Promise<T> {
  return waitFor(spawnFrom(newRecords, undefined, checkedBody(fn)(...args), run));
}

/**
 * @internal the one path of every spawn: checks the generator, takes a record from
 * `records` (only then, so a bad call loses no pooled record) and starts it with the
 * spawner's executor and locals. `below` is the public function called, left out of a
 * recorded spawn site. Callers check their options and make the generator first, as
 * `checkedBody(fn)(...args)`: V8 spreads a function's own rest parameter without
 * allocating the array, which it would if `args` were passed on.
 */
export function spawnFrom<T>(
  records: FiberRecords,
  options: SpawnOptions | undefined,
  gen: FiberGenerator<T>,
  below: Function,
): Fiber<T> {
  const next = gen !== null && typeof gen === 'object' ? gen.next : undefined;
  if (typeof next !== 'function') {
    throw new TypeError('spawn expects a generator function (function*) or a function returning a generator');
  }
  // An async generator's next() returns promises, which the driver would take for bare
  // yields forever. Every function* generator shares one next(), so only other iterators
  // pay for the lookup.
  if (next !== generatorNext && Symbol.asyncIterator in gen) {
    throw new TypeError(
      'spawn expects a generator function (function*), got an async generator: use function* and yield* waitPromise(p) to wait on promises',
    );
  }
  const parent = currentTask();
  const executor = options?.executor ?? (parent !== null ? parent.executor : defaultExecutor);
  const siteBelow = options?.debug === true || fiberDebugEnabled() ? below : null;
  const cancelParent = options === undefined ? undefined : (options.token ?? options.signal);
  return records
    .take<T>()
    .start(gen, executor, options?.name ?? null, parent, siteBelow, cancelParent, options?.graceMs).handle;
}

/** @internal `fn`, once it is known to be callable */
export function checkedBody<F>(fn: F): F {
  if (typeof fn !== 'function') throw new TypeError(`spawn expects a generator function, got ${typeof fn}`);
  return fn;
}

/** @internal `options`, once they are known to be valid */
export function checkedOptions(options: SpawnOptions): SpawnOptions {
  if (options === null || typeof options !== 'object')
    throw new TypeError('spawnWith expects an options object');
  if (options.executor !== undefined) checkExecutor(options.executor);
  if (options.name !== undefined && typeof options.name !== 'string') {
    throw new TypeError(`name must be a string, got ${typeof options.name}`);
  }
  const { token, signal, graceMs } = options;
  if (token !== undefined && !(token instanceof CancelToken)) {
    throw new TypeError("token must be a CancelToken (a CancelSource's .token)");
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError('signal must be an AbortSignal');
  }
  if (token !== undefined && signal !== undefined) {
    throw new TypeError(
      'spawnWith takes a token or a signal, not both (bridge the signal with new CancelSource(signal))',
    );
  }
  if (graceMs !== undefined && (typeof graceMs !== 'number' || !(graceMs >= 0))) {
    throw new RangeError(
      `graceMs must be a number of milliseconds >= 0 (or Infinity), got ${String(graceMs)}`,
    );
  }
  return options;
}

function checkExecutor(executor: Executor): void {
  if (executor === null || typeof executor !== 'object' || typeof executor.submit !== 'function') {
    throw new TypeError('executor must be an object with a submit(runnable) method');
  }
}
