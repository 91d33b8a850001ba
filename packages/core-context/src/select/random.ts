import { createRandom } from '../random/create-random.js';

/** The seed of the default select order: SPINDLE_SEED when it is an integer, else a fresh one. */
function defaultSeed(): number {
  const text = globalThis.process?.env?.SPINDLE_SEED;
  const seed = text === undefined || text === '' ? Number.NaN : Number(text);
  return Number.isInteger(seed) ? seed : Math.floor(Math.random() * 2 ** 32);
}

/** @internal The module's random source for select orders (replayable when SPINDLE_SEED is set). */
export const selectRandom: () => number = createRandom(defaultSeed());
