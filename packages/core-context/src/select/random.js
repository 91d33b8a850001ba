import { mulberry32 } from '../random/create-random.js';
/** The seed of the default select order: SPINDLE_SEED when it is an integer, else a fresh one. */
function defaultSeed() {
    const text = globalThis.process?.env?.SPINDLE_SEED;
    const seed = text === undefined || text === '' ? Number.NaN : Number(text);
    return Number.isInteger(seed) ? seed : Math.floor(Math.random() * 2 ** 32);
}
/** The PRNG state, in a typed array: a 32-bit value in a plain variable would be boxed on every step. */
const state = new Uint32Array([defaultSeed() >>> 0]);
/**
 * @internal A uniform integer in [0, bound) from the module's PRNG (the sequence of
 * `createRandom(SPINDLE_SEED)`, replayable). Integer all the way, so a select round that
 * uses it allocates no number.
 */
export function randomBelow(bound) {
    const next = (state[0] + 0x6d2b79f5) >>> 0;
    state[0] = next;
    return mulberry32(next) % bound;
}
//# sourceMappingURL=random.js.map