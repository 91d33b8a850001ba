import { Cancelled, Deferred } from '@spindle/core-context';
import { type TaskResult, ThreadPool } from '@spindle/executor/pool';
import { describe, expect, it } from 'vitest';
import {
  current,
  type Fiber,
  type FiberGenerator,
  pendingSleeps,
  sleep,
  spawn,
  spawnWith,
} from '../src/index.js';

const TASKS = new URL('./fixtures/pool-tasks.mjs', import.meta.url);
const BRANCHES = 99;
const LEAVES_PER_BRANCH = 99;
const POOL_TASKS = 100;

/** Waits until `ready()`, a timer turn at a time. */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setTimeout(resolve, 1));
}

describe('one cancellation tree from fibers into worker threads', () => {
  it('halting the root of 10,000 fibers with 100 pool tasks runs every finally once, ends every task, keeps every worker', async () => {
    const pool = new ThreadPool({ workers: 2 });
    const counters = new SharedArrayBuffer(8);
    const view = new Int32Array(counters);
    const finallies = new Uint8Array(1 + BRANCHES * (1 + LEAVES_PER_BRANCH) + POOL_TASKS);
    const results: TaskResult<unknown>[] = [];
    const never = new Deferred<void>();
    const fibers: Fiber<void>[] = [];
    let nextId = 0;

    // Every fiber body counts its own finally in `finallies`, so a second run would show.
    function* counted(body: () => FiberGenerator<void>): FiberGenerator<void> {
      const id = nextId++;
      try {
        yield* body();
      } finally {
        finallies[id] = (finallies[id] ?? 0) + 1;
      }
    }
    // A leaf waits forever: half on a sleep (the shared timer heap), half on a Deferred.
    const leaf = (onTimer: boolean) =>
      counted(function* () {
        if (onTimer) yield* sleep(1e9);
        else yield* never;
      });
    // A task fiber waits on a pool task: half pass their own token to the call, half rely on
    // the last-waiter rule (a halted waiter cancels the task it was the last to wait for).
    const taskFiber = (withToken: boolean) =>
      counted(function* () {
        const options = withToken ? { token: current()!.token } : undefined;
        const result = pool.run({ module: TASKS, name: 'waitForCancel' }, [counters], options);
        results.push(result);
        yield* result;
      });

    const root = spawnWith({ name: 'root' }, () =>
      counted(function* () {
        for (let b = 0; b < BRANCHES; b++) {
          fibers.push(
            spawn(() =>
              counted(function* () {
                for (let l = 0; l < LEAVES_PER_BRANCH; l++) fibers.push(spawn(() => leaf(l % 2 === 0)));
                yield* never;
              }),
            ),
          );
        }
        for (let t = 0; t < POOL_TASKS; t++) fibers.push(spawn(() => taskFiber(t % 2 === 0)));
        yield* never;
      }),
    );

    // Every fiber runs (the default executor spreads them over turns) and both workers run
    // a task; the other 98 tasks wait in the queue.
    await until(() => nextId === finallies.length && Atomics.load(view, 0) >= 2);
    expect(results).toHaveLength(POOL_TASKS);
    expect(pendingSleeps()).toBe(BRANCHES * Math.ceil(LEAVES_PER_BRANCH / 2));

    // The root's end does not wait for its children (a scope will): wait for every fiber.
    await root.halt('shutdown');
    expect(root.status).toBe('halted');
    await Promise.all(fibers.map((fiber) => fiber.halt()));
    expect(fibers.every((fiber) => fiber.status === 'halted')).toBe(true);
    expect(Array.from(finallies).every((runs) => runs === 1)).toBe(true);
    expect(pendingSleeps()).toBe(0);
    for (const result of results) await expect(Promise.resolve(result)).rejects.toBeInstanceOf(Cancelled);
    await Promise.all(results.map((result) => result.ended));
    const started = Atomics.load(view, 0);
    expect(Atomics.load(view, 1)).toBe(started);
    expect(started).toBeGreaterThanOrEqual(2);
    expect(started).toBeLessThan(POOL_TASKS);

    // Both workers still serve tasks: the cancellation reached them without killing them.
    const pings = Array.from({ length: 8 }, (_, i) => pool.run({ module: TASKS, name: 'ping' }, [i]));
    expect(await Promise.all(pings)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(pool.metrics().workers.map((worker) => worker.crashes)).toEqual([0, 0]);
    await pool.close();
  });
});
