// Mutex contention: F fibers (or async tasks) each take the lock R times and wait once
// inside the critical section (a reschedule). Value: ns per acquire.
import { nsPerOp } from '@spindle/bench-kit';
import { spawn } from '@spindle/fiber';
import { Mutex as AsyncMutex } from 'async-mutex';
import { Effect, Semaphore } from 'effect';
import PQueue from 'p-queue';
import { Mutex } from '../dist/index.js';

const range = (n) => Array.from({ length: n }, (_, i) => i);

function spindleFibers(tasks, rounds) {
  const mutex = new Mutex();
  const body = function* () {
    for (let i = 0; i < rounds; i++) {
      yield* mutex.lock();
      yield;
      mutex.unlock();
    }
  };
  return () => Promise.all(range(tasks).map(() => spawn(body).join()));
}

function spindleAsync(tasks, rounds) {
  const mutex = new Mutex();
  const body = async () => {
    for (let i = 0; i < rounds; i++) {
      await mutex.lock();
      await null;
      mutex.unlock();
    }
  };
  return () => Promise.all(range(tasks).map(body));
}

function asyncMutex(tasks, rounds) {
  const mutex = new AsyncMutex();
  const body = async () => {
    for (let i = 0; i < rounds; i++) {
      const release = await mutex.acquire();
      await null;
      release();
    }
  };
  return () => Promise.all(range(tasks).map(body));
}

function pQueue(tasks, rounds) {
  const queue = new PQueue({ concurrency: 1 });
  const critical = async () => {
    await null;
  };
  const body = async () => {
    for (let i = 0; i < rounds; i++) await queue.add(critical);
  };
  return () => Promise.all(range(tasks).map(body));
}

function effectSemaphore(tasks, rounds) {
  const semaphore = Semaphore.makeUnsafe(1);
  const critical = Semaphore.withPermit(semaphore, Effect.yieldNow);
  const task = Effect.gen(function* () {
    for (let i = 0; i < rounds; i++) yield* critical;
  });
  const all = Effect.forEach(range(tasks), () => task, { concurrency: 'unbounded', discard: true });
  return () => Effect.runPromise(all);
}

export const mutexImpls = [
  ['spindle', spindleFibers],
  ['spindle-async', spindleAsync],
  ['async-mutex', asyncMutex],
  ['p-queue', pQueue],
  ['effect', effectSemaphore],
];

/** Measures every implementation on the same shape and returns { impl, value, n } rows. */
export async function mutexContention({ tasks, rounds, runs }) {
  const rows = [];
  const n = tasks * rounds;
  for (const [impl, make] of mutexImpls) {
    const once = make(tasks, rounds);
    const value = await nsPerOp(() => once(), { n, runs, warmup: 1 });
    rows.push({ impl, value, n, tasks, rounds });
  }
  return rows;
}
