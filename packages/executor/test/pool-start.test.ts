import { WorkerCrashedError } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import { ThreadPool } from '../dist/pool/index.js';
import { outcome, TASKS, within, withPool } from './pool-helpers.js';

const EXITS = new URL('./fixtures/exit-on-import.mjs', import.meta.url);

/** Restarts the pool made so far, summed over its worker indexes. */
function crashes(pool: ThreadPool): number {
  return pool.metrics().workers.reduce((sum, w) => sum + w.crashes, 0);
}

describe('ThreadPool workers that cannot start', () => {
  it('rejects queued and later tasks with the start failure, stops restarting, and closes', async () => {
    await withPool({ workers: 2, tracer: { module: EXITS } }, async (pool) => {
      const addOne = pool.task(TASKS, 'addOne');
      const queued = Array.from({ length: 5 }, (_, i) => pool.run(addOne, [i]));
      for (const task of queued) {
        const error = await within(10_000, 'a task queued on workers that cannot start', outcome(task));
        expect(error).toBeInstanceOf(WorkerCrashedError);
        expect((error as Error).message).toMatch(/exited before it was ready with exit code 7/);
      }
      expect(pool.pending).toBe(0);
      await expect(within(10_000, 'ready()', pool.ready())).rejects.toBeInstanceOf(WorkerCrashedError);
      const given = crashes(pool);
      // Past the longest restart back-off (1 s): no worker was started meanwhile (the other
      // worker may still have been starting when the pool gave up, and die after).
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const settled = crashes(pool);
      expect(settled).toBeLessThanOrEqual(given + 1);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(crashes(pool)).toBe(settled);
      // A new task tries again, and fails the same way.
      const later = await within(10_000, 'a later task', outcome(pool.run(addOne, [1])));
      expect(later).toBeInstanceOf(WorkerCrashedError);
      expect(crashes(pool)).toBeGreaterThan(settled);
      await within(10_000, 'close()', pool.close());
    });
  });

  it('tries twice again after a new task revives workers that could not start', async () => {
    await withPool({ workers: 1, tracer: { module: EXITS } }, async (pool) => {
      const addOne = pool.task(TASKS, 'addOne');
      expect(await within(10_000, 'the first task', outcome(pool.run(addOne, [1])))).toBeInstanceOf(
        WorkerCrashedError,
      );
      expect(crashes(pool)).toBe(2); // gave up after two start failures in a row
      expect(await within(10_000, 'the revived task', outcome(pool.run(addOne, [2])))).toBeInstanceOf(
        WorkerCrashedError,
      );
      expect(crashes(pool), 'two more start failures, not one').toBe(4);
      await within(10_000, 'close()', pool.close());
    });
  });

  it('rejects tasks when resource limits are too small for a worker to load', async () => {
    await withPool({ workers: 1, resourceLimits: { maxOldGenerationSizeMb: 2 } }, async (pool) => {
      const error = await within(10_000, 'the task', outcome(pool.run(pool.task(TASKS, 'addOne'), [1])));
      expect(error).toBeInstanceOf(WorkerCrashedError);
      expect(((error as Error).cause as { code?: string }).code).toBe('ERR_WORKER_OUT_OF_MEMORY');
      await within(10_000, 'close()', pool.close());
    });
  });

  it('checks resource limits at the constructor', () => {
    expect(() => new ThreadPool({ workers: 1, resourceLimits: 'big' as never })).toThrow(TypeError);
    expect(() => new ThreadPool({ workers: 1, resourceLimits: { heapMb: 64 } as never })).toThrow(
      /resourceLimits.heapMb is not one of/,
    );
    expect(() => new ThreadPool({ workers: 1, resourceLimits: { maxOldGenerationSizeMb: -1 } })).toThrow(
      RangeError,
    );
    expect(
      () => new ThreadPool({ workers: 1, resourceLimits: { maxOldGenerationSizeMb: Number.NaN } }),
    ).toThrow(RangeError);
    // Below 1 MB the worker's stack overflows while it loads, which ends the whole process.
    expect(() => new ThreadPool({ workers: 1, resourceLimits: { stackSizeMb: 0.1 } })).toThrow(
      /stackSizeMb must be in \[1, 1024\]/,
    );
    expect(() => new ThreadPool({ workers: 1, resourceLimits: { stackSizeMb: 100_000 } })).toThrow(
      RangeError,
    );
  });
});
