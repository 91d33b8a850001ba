import { type Executor, waitFor } from '@spindle/core-context';
import { loopExecutor } from '@spindle/executor';
import { fiberDebugEnabled } from './debug.js';
import { current, Fiber, type FiberGenerator } from './fiber.js';

/** Options of `spawnWith`. */
export interface SpawnOptions {
  /** Where the fiber runs. Default: the spawning fiber's executor, else the default executor. */
  executor?: Executor;
  /** Shown by `liveFibers()`, in reports and in error messages. Default `fiber-<id>`. */
  name?: string;
  /** Record the spawn site for error stacks even when debug mode is off. */
  debug?: boolean;
}

let defaultExecutor: Executor = loopExecutor;

/** Sets the executor of fibers spawned outside fibers without one (default: `loopExecutor`); returns the previous one. */
export function setDefaultExecutor(executor: Executor): Executor {
  checkExecutor(executor);
  const previous = defaultExecutor;
  defaultExecutor = executor;
  return previous;
}

/**
 * Starts `fn(...args)` as a fiber and returns its handle. It runs on the spawning fiber's
 * executor (outside fibers: the default, `loopExecutor`) and inherits the spawner's
 * fiber-local values. Allocates the Fiber beside the generator (and, on a fiber's first
 * spawn, that fiber's Lineage, which all its children share).
 */
export function spawn<A extends unknown[], T>(fn: (...args: A) => FiberGenerator<T>, ...args: A): Fiber<T> {
  checkBody(fn);
  return launch(new Fiber<T>(), fn(...args), undefined, spawn);
}

/** `spawn` with options: an executor, a name, spawn-site recording. */
export function spawnWith<A extends unknown[], T>(
  options: SpawnOptions,
  fn: (...args: A) => FiberGenerator<T>,
  ...args: A
): Fiber<T> {
  checkOptions(options);
  checkBody(fn);
  return launch(new Fiber<T>(), fn(...args), options, spawnWith);
}

/** Runs `fn(...args)` as a fiber and returns a promise of its result (rejected like a join). */
export function run<A extends unknown[], T>(fn: (...args: A) => FiberGenerator<T>, ...args: A): Promise<T> {
  checkBody(fn);
  return waitFor(launch(new Fiber<T>(), fn(...args), undefined, run));
}

/** @internal starts `fiber` on `gen` with the spawner's executor and locals. */
export function launch<T>(
  fiber: Fiber<T>,
  gen: FiberGenerator<T>,
  options: SpawnOptions | undefined,
  below: Function,
): Fiber<T> {
  const parent = current();
  const executor = options?.executor ?? (parent !== null ? parent.executor : defaultExecutor);
  const siteBelow = options?.debug === true || fiberDebugEnabled() ? below : null;
  return fiber.start(gen, executor, options?.name ?? null, parent, siteBelow);
}

/** @internal */
export function checkBody(fn: unknown): void {
  if (typeof fn !== 'function') throw new TypeError(`spawn expects a generator function, got ${typeof fn}`);
}

/** @internal */
export function checkOptions(options: SpawnOptions): void {
  if (options === null || typeof options !== 'object')
    throw new TypeError('spawnWith expects an options object');
  if (options.executor !== undefined) checkExecutor(options.executor);
  if (options.name !== undefined && typeof options.name !== 'string') {
    throw new TypeError(`name must be a string, got ${typeof options.name}`);
  }
}

function checkExecutor(executor: Executor): void {
  if (executor === null || typeof executor !== 'object' || typeof executor.submit !== 'function') {
    throw new TypeError('executor must be an object with a submit(runnable) method');
  }
}
