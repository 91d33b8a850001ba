import { Operation } from '../contracts/operation.js';
import { type UnparkResult, type Waitable, type Waiter } from '../contracts/wait.js';
import { type DefaultChosen, type Selected } from './choice.js';
/** Options of {@link select} and {@link Select}. */
export interface SelectOptions<D extends boolean = boolean> {
    /** When no case is ready now, end at once with `{ index: -1 }` (Go's `default:`). */
    default?: D;
    /**
     * The random source (numbers in [0, 1)) that orders the cases of each wait, so the
     * ready case taken is chosen at random. Default: a PRNG seeded from `SPINDLE_SEED` when it
     * is set (replayable), else from `Math.random()`. Tests pass `createRandom(seed)`.
     */
    random?: () => number;
}
/** What a wait on a select over `C` produces: a case's `{ index, value }`, or the default's. */
export type SelectOutcome<C extends readonly Waitable<unknown>[], D extends boolean> = Selected<C> | (D extends true ? DefaultChosen : never);
/**
 * Waits on several Waitables at once and takes exactly one: the first case whose wait
 * completes (a random one when several are ready) wins, and every other case is withdrawn,
 * leaving no trace. Resolves to `{ index, value }`: the winning case's position and what its
 * wait produced (typed per case). A failing case fails the select.
 *
 * Every case must be selectable (`selectable === true`: a withdrawn wait leaves no trace,
 * as for a SharedOutcome, a Sleep, `bounded()` of a selectable, or another select). A
 * case that is not is a TypeError here, at the call.
 *
 * ```ts
 * const { index, value } = await select([reply, sleep(100)]);
 * if (index === 1) console.log('no reply within 100 ms');
 * ```
 *
 * For a loop, make one {@link Select} and wait on it every round: it keeps its case nodes.
 */
export declare function select<const C extends readonly Waitable<unknown>[], const D extends boolean = false>(cases: C, options?: SelectOptions<D>): Select<C, D>;
/**
 * A select over `cases` (see {@link select}) that the caller keeps and waits on again and
 * again: its case nodes are made once, so a loop allocates nothing per round beyond what the
 * cases themselves do. `setCase` replaces a case for the following waits.
 *
 * ```ts
 * const sel = new Select([inbox, tick]);
 * for (;;) {
 *   const { index, value } = yield* sel;
 *   if (index === 0) handle(value);
 * }
 * ```
 *
 * Like any Operation, each wait on it is a new wait; waits at the same time each get their
 * own nodes (the first uses the kept ones). The `{ index, value }` object a wait delivers is
 * reused for the next win of the same waiter (a fiber looping on the Select: read it before
 * waiting again); another waiter gets an object of its own.
 *
 * A select is itself selectable, so it can be a case of another select or be `bounded()`;
 * withdrawing it withdraws every case (and answers `'pending'` while a withdrawn case still
 * finishes). A result given back with `restore` goes to the case's waitable it came from.
 */
export declare class Select<const C extends readonly Waitable<unknown>[], const D extends boolean = false> extends Operation<SelectOutcome<C, D>> {
    #private;
    readonly selectable = true;
    constructor(cases: C, options?: SelectOptions<D>);
    /** Number of cases. */
    get size(): number;
    /** Replaces case `index` for the waits that begin from now on (a wait in progress keeps its case). */
    setCase<K extends keyof C & number>(index: K, replacement: C[K]): void;
    /** True when a case ends by itself (a sleep, a timeout): a waiter parked here is not stuck. */
    get timed(): boolean;
    describe(): string;
    /** `yield*` support: the same one-yield wait as any Operation, through an iterator it keeps. */
    [Symbol.iterator](): Iterator<Operation<SelectOutcome<C, D>>, SelectOutcome<C, D>, SelectOutcome<C, D>>;
    park(waiter: Waiter<SelectOutcome<C, D>>): void;
    unpark(waiter: Waiter<SelectOutcome<C, D>>): UnparkResult;
    /** Gives a delivered `{ index, value }` back to the waitable of the case it came from. */
    restore(chosen: SelectOutcome<C, D>): void;
}
//# sourceMappingURL=select.d.ts.map