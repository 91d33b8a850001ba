import { Cancelled } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import { ThreadPool } from '../dist/pool/index.js';
import { gate, outcome, TASKS, within, withPool } from './pool-helpers.js';

const NEVER_LOADS = new URL('./fixtures/never-loads.mjs', import.meta.url);

describe('ThreadPool workers held by a cancelled task', () => {
  it('replaces a worker whose cancelled task loops synchronously, and runs the next task', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const started = gate();
      const controller = new AbortController();
      const spinning = pool.run(pool.task(TASKS, 'spinForever'), [started.buffer], {
        signal: controller.signal,
      });
      await within(10_000, 'the spinning task to start', started.started());
      controller.abort();
      expect(await outcome(spinning)).toBeInstanceOf(Cancelled);
      // Its only worker is held: the next task runs once the pool has replaced it.
      expect(await within(15_000, 'the next task', pool.run(pool.task(TASKS, 'addOne'), [1]))).toBe(2);
      expect(pool.metrics().workers[0]?.crashes).toBe(1);
      await within(10_000, 'close()', pool.close());
    });
  });

  it('replaces a worker whose cancelled task loops on fork and join, and close() finishes', async () => {
    // The cancelled task is almost always inside one of its forks when the check runs.
    await withPool({ workers: 1, mode: 'stealing' }, async (pool) => {
      const started = gate();
      const controller = new AbortController();
      const looping = pool.run(pool.task(TASKS, 'forkJoinForever'), [started.buffer], {
        signal: controller.signal,
      });
      await within(10_000, 'the fork-join loop to start', started.started());
      controller.abort();
      expect(await outcome(looping)).toBeInstanceOf(Cancelled);
      expect(await within(15_000, 'the next task', pool.run(pool.task(TASKS, 'addOne'), [1]))).toBe(2);
      expect(pool.metrics().workers[0]?.crashes).toBe(1);
      await within(10_000, 'close()', pool.close());
    });
  });

  it('replaces a worker held by the module of a cancelled task whose top-level await never settles', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const controller = new AbortController();
      const stuck = pool.run(pool.task(NEVER_LOADS, 'unreachable'), [], { signal: controller.signal });
      await new Promise((resolve) => setTimeout(resolve, 200)); // taken, or not yet: both must end well
      controller.abort();
      expect(await outcome(stuck)).toBeInstanceOf(Cancelled);
      expect(await within(15_000, 'the next task', pool.run(pool.task(TASKS, 'addOne'), [1]))).toBe(2);
      await within(10_000, 'close()', pool.close());
    });
  });

  it('close() finishes while a cancelled task still loops', async () => {
    const pool = new ThreadPool({ workers: 2 });
    try {
      const started = gate();
      const controller = new AbortController();
      const spinning = pool.run(pool.task(TASKS, 'spinForever'), [started.buffer], {
        signal: controller.signal,
      });
      const other = pool.run(pool.task(TASKS, 'later'), ['after', 20]);
      await within(10_000, 'the spinning task to start', started.started());
      controller.abort();
      expect(await outcome(spinning)).toBeInstanceOf(Cancelled);
      await within(15_000, 'close()', pool.close());
      expect(await other).toBe('after');
    } finally {
      await pool.destroy();
    }
  });
});
