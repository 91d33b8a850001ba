/**
 * A small deterministic PRNG (mulberry32): the same seed gives the same sequence on every
 * machine, so a schedule drawn from it can be replayed from its seed alone.
 * Returns numbers in [0, 1).
 */
export declare function createRandom(seed: number): () => number;
//# sourceMappingURL=create-random.d.ts.map