import { Cancelled, WorkerCrashedError } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import type { ThreadPool } from '../dist/pool/index.js';
import { gate, outcome, TASKS, waitForWord, within, withPool } from './pool-helpers.js';

/** Resolves once a worker of the pool has died and been dealt with. */
async function crashed(pool: ThreadPool): Promise<void> {
  while (pool.metrics().workers.every((w) => w.crashes === 0)) await new Promise((r) => setTimeout(r, 1));
}

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

  it('settles a task its worker marked done but died before reporting, so close() finishes', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const finishThenDie = pool.task(
        new URL('./fixtures/finish-then-die.mjs', import.meta.url),
        'finishThenDie',
      );
      expect(await within(10_000, 'the finished task', pool.run(finishThenDie, ['kept']))).toBe('kept');
      expect(pool.metrics().workers[0]?.crashes).toBe(1);
      expect(await within(10_000, 'the next task', pool.run(pool.task(TASKS, 'addOne'), [1]))).toBe(2);
      await within(10_000, 'close()', pool.close());
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

  it('queues again the forks a dying thief had stolen, so their joiner on another worker gets them', async () => {
    await withPool({ workers: 2, mode: 'stealing' }, async (pool) => {
      // Worker B holds a task while worker A forks, so B then steals half of A's 8 forks at once.
      const blocker = gate();
      const held = pool.run(pool.task(TASKS, 'hold'), [blocker.buffer]);
      await blocker.started();
      const flag = new SharedArrayBuffer(8);
      const flags = new Int32Array(flag);
      const joined = pool.run(pool.task(TASKS, 'forkAndWait'), [flag, true]);
      await within(5_000, 'the forks', waitForWord(flags, 1));
      blocker.release();
      expect(await held).toBe('released');
      await within(5_000, 'a thief crash', crashed(pool));
      Atomics.store(flags, 0, 1);
      Atomics.notify(flags, 0);
      const results = await within(10_000, 'the joining task', joined);
      expect(results).toEqual(['WorkerCrashedError', 1, 2, 3, 4, 5, 6, 7]);
      // The thief took the oldest fork and half of the rest.
      expect(pool.metrics().workers.reduce((sum, w) => sum + w.tasksStolen, 0)).toBe(4);
    });
  });

  it('rejects a task with a transfer list whose worker died before taking it, and sends again one without', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const blocker = gate();
      const dying = pool.run(pool.task(TASKS, 'holdThenExit'), [blocker.buffer, '']);
      await blocker.started();
      const buffer = new ArrayBuffer(16);
      const byteLengthOf = pool.task(TASKS, 'byteLengthOf');
      const moved = pool.run(byteLengthOf, [buffer], { transfer: [buffer] }); // waits in the worker's inbox
      const padding = 'p'.repeat(1_000);
      const copied = pool.run(pool.task(TASKS, 'echo'), [padding]); // by message too, without a transfer list
      blocker.release();
      expect(await within(5_000, 'the dying task', outcome(dying))).toBeInstanceOf(WorkerCrashedError);
      const error = await within(5_000, 'the transferring task', outcome(moved));
      expect(error).toBeInstanceOf(WorkerCrashedError);
      expect((error as Error).message).toMatch(/transfer/);
      expect(await within(5_000, 'the copied task', copied)).toBe(padding);
      await within(10_000, 'close()', pool.close());
    });
  });

  it('frees a cancelled by-message slot left in a dead worker inbox', async () => {
    await withPool({ workers: 2, slots: 2 }, async (pool) => {
      const padding = 'z'.repeat(1_000); // arguments too large for a slot travel by message, round-robin from worker 0
      const echo = pool.task(TASKS, 'echo');
      const blocker = gate();
      const dying = pool.run(pool.task(TASKS, 'holdThenExit'), [blocker.buffer, padding]); // on worker 0
      await blocker.started();
      expect(await pool.run(echo, [padding])).toBe(padding); // on worker 1
      const controller = new AbortController();
      const cancelled = pool.run(echo, [padding], { signal: controller.signal }); // waits in worker 0's inbox
      controller.abort();
      await expect(cancelled).rejects.toBeInstanceOf(Cancelled);
      blocker.release();
      expect(await within(5_000, 'the dying task', outcome(dying))).toBeInstanceOf(WorkerCrashedError);
      // Both slots must be free again for two held tasks to start side by side.
      const gates = [gate(), gate()];
      const holds = gates.map((g) => pool.run(pool.task(TASKS, 'hold'), [g.buffer]));
      await within(5_000, 'two tasks side by side', Promise.all(gates.map((g) => g.started())));
      for (const g of gates) g.release();
      expect(await Promise.all(holds)).toEqual(['released', 'released']);
    });
  });

  it('queues again a task a dying worker had deferred in a helping join', async () => {
    await withPool({ workers: 2, mode: 'stealing' }, async (pool) => {
      await pool.ready();
      // Worker A joins a fork that worker B stole and holds, so A's join takes other tasks.
      const blocker = gate();
      const joiner = pool.run(pool.task(TASKS, 'joinStolenHold'), [blocker.buffer]);
      await blocker.started();
      // A takes the first (its module is not loaded: deferred), then the second kills A.
      const deferred = pool.run<number>(
        pool.task(new URL('./fixtures/late-module.mjs', import.meta.url), 'answer'),
      );
      const crash = pool.run(pool.task(TASKS, 'crash'), [1]);
      expect(await within(5_000, 'the crashing task', outcome(crash))).toBeInstanceOf(WorkerCrashedError);
      expect(await within(5_000, 'the joining task', outcome(joiner))).toBeInstanceOf(WorkerCrashedError);
      blocker.release();
      expect(await within(5_000, 'the deferred task', deferred)).toBe(42);
    });
  });
});
