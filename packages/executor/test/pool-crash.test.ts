import { WorkerCrashedError } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import { outcome, TASKS, within, withPool } from './pool-helpers.js';

describe('ThreadPool worker crashes', () => {
  it('rejects the running task with a typed error naming the worker, replaces the worker, keeps queued tasks', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const crash = pool.run(pool.task(TASKS, 'crash'), [3]);
      const queued = Array.from({ length: 50 }, (_, i) => pool.run<number>(pool.task(TASKS, 'addOne'), [i]));
      const error = await crash.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WorkerCrashedError);
      expect((error as WorkerCrashedError).workerId).toBe(0);
      expect((error as Error).message).toMatch(/worker 0 died .*exit code 3/);
      expect(await Promise.all(queued)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(pool.metrics().workers[0]?.crashes).toBe(1);
    });
  });

  it('replaces a worker that runs out of memory', async () => {
    await withPool({ workers: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } }, async (pool) => {
      const error = await pool.run(pool.task(TASKS, 'exhaustMemory')).then(
        () => null,
        (e: unknown) => e as WorkerCrashedError,
      );
      expect(error).toBeInstanceOf(WorkerCrashedError);
      expect((error?.cause as { code?: string }).code).toBe('ERR_WORKER_OUT_OF_MEMORY');
      expect(await pool.run(pool.task(TASKS, 'addOne'), [1])).toBe(2);
    });
  });

  it('reports an uncaught error in the worker as the cause', async () => {
    await withPool({ workers: 2 }, async (pool) => {
      const error = await pool.run(pool.task(TASKS, 'crashLater')).then(
        () => null,
        (e: unknown) => e as WorkerCrashedError,
      );
      expect(error).toBeInstanceOf(WorkerCrashedError);
      expect((error?.cause as Error).message).toBe('uncaught in worker');
      expect(await pool.run(pool.task(TASKS, 'addOne'), [1])).toBe(2);
    });
  });

  it('delivers a by-message result finished just before the next task killed the worker', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const large = 'x'.repeat(1_000); // more than a slot holds: the result travels by message
      const finished = pool.run(pool.task(TASKS, 'echo'), [large]);
      const crash = pool.run(pool.task(TASKS, 'crash'), [1]);
      const later = pool.run(pool.task(TASKS, 'addOne'), [41]);
      expect(await within(5_000, 'the finished task', finished)).toBe(large);
      expect(await within(5_000, 'the crashing task', outcome(crash))).toBeInstanceOf(WorkerCrashedError);
      expect(await within(5_000, 'the queued task', later)).toBe(42);
    });
  });

  it('rejects a task whose module kills every worker that imports it, and backs off between restarts', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const poisoned = pool.run(
        pool.task(new URL('./fixtures/exit-on-import.mjs', import.meta.url), 'never'),
      );
      const error = await within(10_000, 'the poisoned task', outcome(poisoned));
      expect(error).toBeInstanceOf(WorkerCrashedError);
      expect((error as Error).message).toMatch(/before it started .*exit code 7/);
      const crashes = pool.metrics().workers[0]!.crashes;
      expect(crashes).toBeGreaterThanOrEqual(2);
      await new Promise((r) => setTimeout(r, 100));
      // Without back-off the pool restarts about every millisecond; with it, a handful of times.
      expect(pool.metrics().workers[0]!.crashes - crashes).toBeLessThan(6);
    });
  });
});
