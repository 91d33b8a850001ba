import { Cancelled } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../dist/index.js';
import { TASKS, withPool } from './pool-helpers.js';

const SEED = Number(process.env.SPINDLE_SEED ?? 11);

describe.each(['stealing', 'global'] as const)('ThreadPool under a seeded mix of calls (%s mode)', (mode) => {
  it(`settles every call exactly once with its own result or Cancelled (seed ${SEED})`, async () => {
    const random = createRandom(SEED);
    await withPool({ workers: 2, mode, slots: 64, slotBytes: 64 }, async (pool) => {
      const addOne = pool.task(TASKS, 'addOne');
      const echo = pool.task(TASKS, 'echo');
      const later = pool.task(TASKS, 'later');
      const calls: Promise<string>[] = [];
      for (let i = 0; i < 3_000; i++) {
        const roll = random();
        const controller = roll < 0.2 ? new AbortController() : null;
        const options = controller ? { signal: controller.signal } : {};
        const [op, expected] =
          roll < 0.6
            ? [pool.run(addOne, [i], options), i + 1]
            : roll < 0.9
              ? [pool.run(echo, [`${i}`.repeat(i % 40)], options), `${i}`.repeat(i % 40)]
              : [pool.run(later, [i, 1], options), i];
        if (controller && random() < 0.5) controller.abort();
        else if (controller) setTimeout(() => controller.abort(), random() * 3);
        calls.push(
          Promise.resolve(op).then(
            (value) => (value === expected ? 'ok' : `call ${i}: got ${String(value)}`),
            (error: unknown) => (error instanceof Cancelled ? 'cancelled' : `call ${i}: ${String(error)}`),
          ),
        );
      }
      const outcomes = await Promise.all(calls);
      const wrong = outcomes.filter((o) => o !== 'ok' && o !== 'cancelled');
      expect(wrong.slice(0, 5), `seed ${SEED} (replay with SPINDLE_SEED=${SEED})`).toEqual([]);
      expect(outcomes.filter((o) => o === 'cancelled').length).toBeGreaterThan(0);
      expect(pool.pending).toBe(0);
      expect(await pool.run(addOne, [1])).toBe(2);
    });
  });
});
