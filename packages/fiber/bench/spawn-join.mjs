/**
 * Spawn and join: a parent starts `n` tasks that each yield once, then joins them all.
 * The figure is ns per task.
 */
import { run as effectionRun, spawn as effectionSpawn, until } from 'effection';
import { FiberPool, setFiberDebug, spawn } from '../dist/index.js';
import { effectLibs } from './effect-libs.mjs';

function* yieldOnce() {
  yield;
}

/** The parent (and so its children) runs on the default executor, loopExecutor. */
function spindle(pool) {
  return async (n) => {
    const parent = spawn(function* () {
      const children = new Array(n);
      for (let i = 0; i < n; i++) children[i] = pool === null ? spawn(yieldOnce) : pool.spawn(yieldOnce);
      for (let i = 0; i < n; i++) {
        yield children[i];
        if (pool !== null) pool.release(children[i]);
      }
    });
    await parent;
  };
}

function spindleDebug() {
  const body = spindle(null);
  return async (n) => {
    const previous = setFiberDebug(true);
    try {
      await body(n);
    } finally {
      setFiberDebug(previous);
    }
  };
}

async function promiseAll(n) {
  const tasks = new Array(n);
  for (let i = 0; i < n; i++) {
    tasks[i] = (async () => {
      await null;
    })();
  }
  await Promise.all(tasks);
}

async function effection(n) {
  await effectionRun(function* () {
    const tasks = new Array(n);
    for (let i = 0; i < n; i++) {
      tasks[i] = yield* effectionSpawn(function* () {
        yield* until(Promise.resolve());
      });
    }
    for (let i = 0; i < n; i++) yield* tasks[i];
  });
}

const effect =
  ({ Effect, Fiber, fork, yieldNow }) =>
  async (n) => {
    const program = Effect.gen(function* () {
      const fibers = new Array(n);
      for (let i = 0; i < n; i++) fibers[i] = yield* fork(yieldNow);
      for (let i = 0; i < n; i++) yield* Fiber.join(fibers[i]);
    });
    await Effect.runPromise(program);
  };

export function spawnJoinImpls() {
  return [
    ['spindle', spindle(null), 'default executor (loopExecutor), spawn inside a parent fiber'],
    ['spindle-pool', spindle(new FiberPool()), 'default executor, FiberPool records reused'],
    ['spindle-debug', spindleDebug(), 'default executor, spawn sites recorded (setFiberDebug)'],
    ['promise-all', promiseAll, 'async functions awaiting once, Promise.all'],
    ['effection', effection, 'spawn + until(Promise.resolve())'],
    ...effectLibs.map(([impl, lib]) => [impl, effect(lib), 'fork(yieldNow) + Fiber.join']),
  ];
}
