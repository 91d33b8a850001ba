export { createRandom as seededRandom } from '../../src/index.js';

/** The seeds a seeded test runs: SPINDLE_SEED alone when set, else `count` fixed ones. */
export function testSeeds(count: number): number[] {
  const fixed = process.env.SPINDLE_SEED;
  if (fixed !== undefined) return [Number(fixed)];
  return Array.from({ length: count }, (_, i) => 0x5eed + i * 7919);
}
