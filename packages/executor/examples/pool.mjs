// A work-stealing worker pool: tasks are functions exported from a module (here this very
// file), arguments and results travel through shared memory, a task can fork and join
// subtasks, and cancelling a running task aborts its signal without killing the worker.
// Run after `pnpm build`: node examples/pool.mjs
import { isMainThread } from 'node:worker_threads';
import { fork, join, ThreadPool, taskSignal } from '../dist/pool/index.js';

export const addOne = (x) => x + 1;

export function fib(n) {
  if (n < 20) return n < 2 ? n : fib(n - 1) + fib(n - 2);
  const left = fork(fib, n - 1); // onto this worker's deque; an idle worker steals it
  return fib(n - 2) + join(left); // a helping join runs other tasks while it waits
}

export async function waitUntilCancelled() {
  const signal = taskSignal();
  await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  return 'never seen: the caller already gave up';
}

if (isMainThread) {
  const pool = new ThreadPool({ workers: 2, mode: 'stealing' });
  const here = new URL(import.meta.url);
  const increment = pool.task(here, 'addOne'); // register once, call by handle

  const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => pool.run(increment, [i])));
  console.log(`1000 tiny tasks, sum of results: ${results.reduce((a, b) => a + b, 0)}`);
  console.log(`fib(27) with fork-join: ${await pool.run({ module: here, name: 'fib' }, [27])}`);

  const controller = new AbortController();
  const pending = pool.run({ module: here, name: 'waitUntilCancelled' }, [], { signal: controller.signal });
  setTimeout(() => controller.abort(), 20);
  try {
    await pending;
  } catch (error) {
    console.log(`cancelled task: ${error.name}`);
  }
  console.log(`the pool still works after the cancel: ${await pool.run(increment, [41])}`);

  const { workers } = pool.metrics();
  console.log(`tasks run per worker: ${workers.map((w) => w.tasksRun).join(', ')}`);
  await pool.close();
}
