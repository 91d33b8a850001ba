/**
 * Fiber-local values. Each fiber holds one array of values indexed by FiberLocal. A child
 * shares its parent's array at spawn (no allocation); whichever of them sets a value first
 * copies the array, so a child sees the values of its parent at spawn time and later changes
 * on either side stay private (copy on write).
 */

/** Marks a slot that was never set in this array: `get` answers the local's initial value. */
const UNSET: unique symbol = Symbol('unset');

/** A fiber's view of its locals: the array and whether it may write it in place. */
export interface LocalsHolder {
  locals: unknown[];
  ownsLocals: boolean;
}

/** The holder used outside any fiber (and inherited by fibers spawned from plain code). */
export const rootLocals: LocalsHolder = { locals: [], ownsLocals: true };

let current: () => LocalsHolder = () => rootLocals;

/** Lets the fiber module say which holder is current, without a circular import. */
export function setLocalsSource(source: () => LocalsHolder): void {
  current = source;
}

let nextIndex = 0;

/** A value every fiber has its own copy of; children start with their parent's value. */
export class FiberLocal<T> {
  private readonly index = nextIndex++;

  constructor(private readonly initial: T) {}

  /** The current fiber's value (outside fibers: the root value). */
  get(): T {
    const { locals } = current();
    const value = this.index < locals.length ? locals[this.index] : UNSET;
    return value === UNSET ? this.initial : (value as T);
  }

  /** Sets the current fiber's value; children spawned later inherit it. */
  set(value: T): void {
    const holder = current();
    if (!holder.ownsLocals) {
      holder.locals = holder.locals.slice();
      holder.ownsLocals = true;
    }
    const { locals } = holder;
    while (locals.length <= this.index) locals.push(UNSET);
    locals[this.index] = value;
  }
}
