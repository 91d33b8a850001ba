/**
 * A seeded pseudo-random source (mulberry32) for test schedules. The seed comes from
 * SPINDLE_SEED when set, so a failure can be replayed; tests put it in their messages.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The seeds a seeded test runs: SPINDLE_SEED alone when set, else `count` fixed ones. */
export function testSeeds(count: number): number[] {
  const fixed = process.env.SPINDLE_SEED;
  if (fixed !== undefined) return [Number(fixed)];
  return Array.from({ length: count }, (_, i) => 0x5eed + i * 7919);
}
