import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { TASKS, within, withPool } from './pool-helpers.js';

describe('ThreadPool result latency', () => {
  it('delivers a finished result without waiting for the long task after it on the same worker', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      await pool.ready();
      const spin = pool.task(TASKS, 'spin');
      await pool.run(spin, [1]); // the module is loaded: the quick task runs at once
      const started = performance.now();
      const quick = pool.run(pool.task(TASKS, 'addOne'), [1]);
      const slow = pool.run(spin, [1_500]);
      expect(await within(5_000, 'the quick task', quick)).toBe(2);
      expect(performance.now() - started).toBeLessThan(750);
      expect(await within(5_000, 'the slow task', slow)).toBe(1_500);
    });
  });
});
