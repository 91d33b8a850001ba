/** Set by Choice's static block: the waitable a choice came from, for `restore`. */
let sourceOf;
/**
 * @internal The object a select delivers: `{ index, value }`, plus (privately) the case's
 * waitable, so a result handed back by `restore` goes to the waitable it came from even
 * after the select's case was replaced. A reusable Select reuses its Choice every round.
 */
export class Choice {
    index = -1;
    value = undefined;
    #from = null;
    set(index, value, from) {
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
export const DEFAULT_CHOSEN = Object.freeze({ index: -1, value: undefined });
/** Hands `chosen` back to the waitable it came from (its Waitable.restore); nothing for a default. */
export function restoreChoice(chosen) {
    if (!(chosen instanceof Choice))
        return;
    sourceOf(chosen)?.restore?.(chosen.value);
}
//# sourceMappingURL=choice.js.map