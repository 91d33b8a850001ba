import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/index.js';

describe('createRandom', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const draw = (seed: number) => {
      const next = createRandom(seed);
      return Array.from({ length: 8 }, () => next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('stays in [0, 1) and spreads over the range', () => {
    const next = createRandom(7);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const x = next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      buckets[Math.floor(x * 10)]++;
    }
    for (const count of buckets) expect(count).toBeGreaterThan(800);
  });

  it('rejects a seed that is not an integer', () => {
    expect(() => createRandom(1.5)).toThrow(TypeError);
  });
});
