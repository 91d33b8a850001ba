import type { Waitable } from '../contracts/wait.js';
/** What a wait on a Waitable produces. */
export type ValueOf<W> = W extends Waitable<infer T> ? T : never;
/**
 * The outcome of a select over the cases `C`: which case won (`index`, its position in the
 * cases) and what its wait produced (`value`), typed per case.
 */
export type Selected<C extends readonly Waitable<unknown>[]> = {
    [K in keyof C]: {
        readonly index: K extends `${infer I extends number}` ? I : number;
        readonly value: ValueOf<C[K]>;
    };
}[number];
/** The outcome of a select whose default case was taken: no case was ready. */
export interface DefaultChosen {
    readonly index: -1;
    readonly value: undefined;
}
/** The outcome of a default case (shared: it carries nothing to give back). */
export declare const DEFAULT_CHOSEN: DefaultChosen;
/** Hands `chosen` back to the waitable it came from (its Waitable.restore); nothing for a default. */
export declare function restoreChoice(chosen: unknown): void;
//# sourceMappingURL=choice.d.ts.map