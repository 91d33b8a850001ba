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

/** Set by Choice's static block: the waitable a choice came from, for `restore`. */
let sourceOf: (choice: Choice) => Waitable<unknown> | null;

/**
 * @internal The object a select delivers: `{ index, value }`, plus (privately) the case's
 * waitable, so a result handed back by `restore` goes to the waitable it came from even
 * after the select's case was replaced. A reusable Select reuses its Choice every round.
 */
export class Choice {
  index = -1;
  value: unknown = undefined;
  #from: Waitable<unknown> | null = null;

  set(index: number, value: unknown, from: Waitable<unknown>): this {
    this.index = index;
    this.value = value;
    this.#from = from;
    return this;
  }

  static {
    sourceOf = (choice) => choice.#from;
  }
}

/** The outcome of a default case (shared: it carries nothing to give back). */
export const DEFAULT_CHOSEN: DefaultChosen = Object.freeze({ index: -1, value: undefined });

/** Hands `chosen` back to the waitable it came from (its Waitable.restore); nothing for a default. */
export function restoreChoice(chosen: unknown): void {
  if (!(chosen instanceof Choice)) return;
  sourceOf(chosen)?.restore?.(chosen.value);
}
