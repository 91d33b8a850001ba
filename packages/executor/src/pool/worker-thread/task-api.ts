import { type CancelToken, InvalidStateError } from '@spindle/core-context';
import type { ForkHandle, ForkJoin } from './fork-join.js';
import type { TaskFunction } from './task-modules.js';
import type { TaskRunner } from './task-runner.js';

/** This thread's worker runtime parts, once it runs as a ThreadPool worker. */
let forkJoin: ForkJoin | null = null;
let runner: TaskRunner | null = null;

/** Makes `fork`, `join`, `taskSignal` and `taskToken` work on this thread (called once by the worker runtime). */
export function installTaskApi(forks: ForkJoin, tasks: TaskRunner): void {
  forkJoin = forks;
  runner = tasks;
}

function outsideWorker(what: string): InvalidStateError {
  return new InvalidStateError(`${what} can only be called inside a ThreadPool worker`);
}

/** A subtask spawned by `fork`, to be passed to `join`. */
export type Fork<T> = ForkHandle<T>;

/**
 * Inside a pool task: spawns `fn(...args)` as a subtask on this worker's deque, where idle
 * workers may steal it. `fn` must be a synchronous function exported from a task module
 * the pool has loaded. When no fork slot is free it runs at once, inline.
 */
export function fork<A extends unknown[], T>(fn: (...args: A) => T, ...args: A): Fork<T> {
  if (forkJoin === null) throw outsideWorker('fork()');
  return forkJoin.fork(fn as TaskFunction, args);
}

/** Inside a pool task: the result of a fork; runs other tasks while it waits, so nesting never deadlocks. */
export function join<T>(handle: Fork<T>): T {
  if (forkJoin === null) throw outsideWorker('join()');
  return forkJoin.join(handle);
}

/**
 * Inside a pool task: its AbortSignal, aborted when the caller cancels. Call it
 * synchronously (at the start of an async task, keep the signal); synchronous loops may
 * call it again to poll, since each call reads the cancel flag from shared memory.
 */
export function taskSignal(): AbortSignal {
  if (runner === null) throw outsideWorker('taskSignal()');
  return runner.cancellation('taskSignal()').token.signal;
}

/**
 * Inside a pool task: its CancelToken, cancelled when the caller cancels (by its signal, its
 * token, or as the last waiter of a halted fiber); the reason is a `Cancelled` whose `token`
 * is this token. Make fibers, scopes and waits inside the task its children, so one cancel
 * reaches them all. Same calling rules as `taskSignal()`, whose signal is this token's.
 */
export function taskToken(): CancelToken {
  if (runner === null) throw outsideWorker('taskToken()');
  return runner.cancellation('taskToken()').token;
}
