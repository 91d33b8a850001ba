import { describe, expect, it } from 'vitest';
import { gate, TASKS, waitForWord, within, withPool } from './pool-helpers.js';

function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

describe.each(['stealing', 'global'] as const)('fork-join inside workers (%s mode)', (mode) => {
  it('computes a nested fork-join fib with helping joins', async () => {
    await withPool({ workers: 2, mode }, async (pool) => {
      expect(await pool.run(pool.task(TASKS, 'fib'), [22, 12])).toBe(fib(22));
      const metrics = pool.metrics();
      expect(metrics.workers.reduce((sum, w) => sum + w.tasksRun, 0)).toBeGreaterThan(50);
      if (mode === 'global') expect(metrics.workers.every((w) => w.tasksStolen === 0)).toBe(true);
    });
  });

  it('lets a worker steal a fork of a module registered after it started', async () => {
    await withPool({ workers: 2, mode }, async (pool) => {
      await pool.ready(); // the workers have drained their registrations: fib is news to both
      const results = await Promise.all([0, 1, 2].map(() => pool.run(pool.task(TASKS, 'fib'), [24, 14])));
      expect(results).toEqual([fib(24), fib(24), fib(24)]);
    });
  });

  it('recurses 20 levels deep, several chains at once, without deadlock', async () => {
    await withPool({ workers: 2, mode }, async (pool) => {
      const chain = pool.task(TASKS, 'chain');
      expect(await Promise.all([20, 20, 20, 20].map((depth) => pool.run(chain, [depth])))).toEqual([
        20, 20, 20, 20,
      ]);
    });
  });

  it('shares a SharedArrayBuffer with forks by reference', async () => {
    await withPool({ workers: 2, mode }, async (pool) => {
      const data = new Int32Array(new SharedArrayBuffer(4 * 10_000));
      for (let i = 0; i < data.length; i++) data[i] = i;
      expect(await pool.run(pool.task(TASKS, 'sumShared'), [data, 0, data.length, 500])).toBe(
        (9_999 * 10_000) / 2,
      );
    });
  });
});

describe('work stealing', () => {
  it('lets an idle worker steal half the forks of a waiting joiner, and counts them', async () => {
    await withPool({ workers: 2, mode: 'stealing' }, async (pool) => {
      // Worker B holds a task while worker A forks 8 children; then B, idle, steals from A.
      const blocker = gate();
      const held = pool.run(pool.task(TASKS, 'hold'), [blocker.buffer]);
      await blocker.started();
      const flags = new Int32Array(new SharedArrayBuffer(8));
      const joined = pool.run(pool.task(TASKS, 'forkAndWait'), [flags.buffer, false]);
      await within(5_000, 'the forks', waitForWord(flags, 1));
      blocker.release();
      expect(await held).toBe('released');
      const stolen = () => pool.metrics().workers.reduce((sum, w) => sum + w.tasksStolen, 0);
      await within(
        5_000,
        'a steal',
        (async () => {
          while (stolen() === 0) await new Promise((r) => setTimeout(r, 1));
        })(),
      );
      Atomics.store(flags, 0, 1);
      Atomics.notify(flags, 0);
      expect(await within(5_000, 'the joins', joined)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(stolen()).toBeGreaterThanOrEqual(4); // the first steal takes the oldest fork and 3 more
    });
  });
});

describe('fork-join rules', () => {
  it('runs inline when fork slots run out, with the same results', async () => {
    await withPool({ workers: 2, forkSlots: 2 }, async (pool) => {
      expect(await pool.run(pool.task(TASKS, 'fib'), [20, 8])).toBe(fib(20));
    });
  });

  it.each([
    ['in slots', 8],
    ['run inline (no fork slots)', 0],
  ])('refuses a second join of the same fork (%s), and the next fork still joins', async (_, forkSlots) => {
    await withPool({ workers: 1, forkSlots }, async (pool) => {
      const outcomes = await within(10_000, 'joinTwice', pool.run(pool.task(TASKS, 'joinTwice')));
      expect(outcomes).toEqual([
        2,
        'InvalidStateError: this fork was already joined (a fork can be joined once)',
        101,
      ]);
    });
  });

  it('rejects an async subtask', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      await expect(pool.run(pool.task(TASKS, 'asyncFork'))).rejects.toThrow(/must be synchronous/);
    });
  });
});
