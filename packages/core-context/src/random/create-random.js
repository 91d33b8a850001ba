/**
 * A small deterministic PRNG (mulberry32): the same seed gives the same sequence on every
 * machine, so a schedule drawn from it can be replayed from its seed alone.
 * Returns numbers in [0, 1).
 */
export function createRandom(seed) {
    if (!Number.isInteger(seed))
        throw new TypeError(`seed must be an integer, got ${String(seed)}`);
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        return mulberry32(state) / 4294967296;
    };
}
/** @internal mulberry32's output (an unsigned 32-bit integer) for the state after its step. */
export function mulberry32(state) {
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
}
//# sourceMappingURL=create-random.js.map