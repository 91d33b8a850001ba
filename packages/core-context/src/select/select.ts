import { Operation } from '../contracts/operation.js';
import { OperationStep } from '../contracts/operation-step.js';
import { isWaitable, type UnparkResult, type Waitable, type Waiter } from '../contracts/wait.js';
import { WaitTable } from '../contracts/wait-table.js';
import { describeValue } from '../describe-value.js';
import { type DefaultChosen, restoreChoice, type Selected } from './choice.js';
import { SelectRun } from './select-run.js';

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
export type SelectOutcome<C extends readonly Waitable<unknown>[], D extends boolean> =
  | Selected<C>
  | (D extends true ? DefaultChosen : never);

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
export function select<const C extends readonly Waitable<unknown>[], const D extends boolean = false>(
  cases: C,
  options?: SelectOptions<D>,
): Select<C, D> {
  return new Select(cases, options);
}

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
export class Select<
  const C extends readonly Waitable<unknown>[],
  const D extends boolean = false,
> extends Operation<SelectOutcome<C, D>> {
  readonly selectable = true;
  /** @internal the current cases (a run copies them into its nodes when it begins) */
  readonly caseList: Waitable<unknown>[];
  /** @internal */
  readonly withDefault: boolean;
  /** @internal the caller's random source, or null for the module's own */
  readonly random: (() => number) | null;
  readonly #waits = new WaitTable<SelectRun>(true);
  #step: OperationStep<SelectOutcome<C, D>> | null = null;

  constructor(cases: C, options?: SelectOptions<D>) {
    super();
    if (!Array.isArray(cases)) {
      throw new TypeError(`select: cases must be an array of Waitables, got ${describeValue(cases)}`);
    }
    for (let i = 0; i < cases.length; i++) checkCase(cases[i], i);
    const { default: withDefault, random } = checkOptions(options);
    this.caseList = cases.slice();
    this.withDefault = withDefault;
    this.random = random;
  }

  /** Number of cases. */
  get size(): number {
    return this.caseList.length;
  }

  /** Replaces case `index` for the waits that begin from now on (a wait in progress keeps its case). */
  setCase<K extends keyof C & number>(index: K, replacement: C[K]): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.caseList.length) {
      throw new RangeError(
        `Select.setCase: index ${String(index)} is out of range: this select has ${this.caseList.length} case(s)`,
      );
    }
    checkCase(replacement, index);
    this.caseList[index] = replacement;
  }

  /** True when a case ends by itself (a sleep, a timeout): a waiter parked here is not stuck. */
  get timed(): boolean {
    return this.caseList.some((waitable) => waitable.timed === true);
  }

  describe(): string {
    return `select(${this.caseList.map(describeCase).join(', ')}${this.withDefault ? ', default' : ''})`;
  }

  /** `yield*` support: the same one-yield wait as any Operation, through an iterator it keeps. */
  override [Symbol.iterator](): Iterator<
    Operation<SelectOutcome<C, D>>,
    SelectOutcome<C, D>,
    SelectOutcome<C, D>
  > {
    const kept = (this.#step ??= new OperationStep(this));
    return kept.inUse ? new OperationStep(this).begin() : kept.begin();
  }

  park(waiter: Waiter<SelectOutcome<C, D>>): void {
    const waits = this.#waits;
    const run = waits.reuse(waiter, this) ?? waits.add(waiter, new SelectRun(this, this.caseList.length));
    try {
      run.begin(waiter);
    } catch (error) {
      // It threw before the run was taken (a bad random source): nothing waits.
      if (run.outer !== waiter && waits.find(waiter) === run) waits.end(waiter);
      throw error;
    }
  }

  unpark(waiter: Waiter<SelectOutcome<C, D>>): UnparkResult {
    return this.#waits.find(waiter)?.withdraw() ?? false;
  }

  /** Gives a delivered `{ index, value }` back to the waitable of the case it came from. */
  restore(chosen: SelectOutcome<C, D>): void {
    restoreChoice(chosen);
  }

  /** @internal */
  runEnded(outer: Waiter): void {
    this.#waits.end(outer);
  }
}

function checkCase(waitable: unknown, index: number): void {
  if (!isWaitable(waitable)) {
    throw new TypeError(
      `select: case ${index} is not a Waitable (an object with park and unpark), got ${describeValue(waitable)}`,
    );
  }
  if (waitable.selectable !== true) {
    throw new TypeError(
      `select: case ${index} (${describeCase(waitable)}) is not selectable: withdrawing a wait on it may ` +
        'leave a trace, so it cannot lose a select (wait on it alone, or give it to a fiber and select its result)',
    );
  }
}

function checkOptions<D extends boolean>(
  options: SelectOptions<D> | undefined,
): { default: boolean; random: (() => number) | null } {
  if (options === undefined) return { default: false, random: null };
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `select: options must be an object like { default, random }, got ${describeValue(options)}`,
    );
  }
  const { default: withDefault, random } = options;
  if (withDefault !== undefined && typeof withDefault !== 'boolean') {
    throw new TypeError(`select: options.default must be a boolean, got ${describeValue(withDefault)}`);
  }
  if (random !== undefined && typeof random !== 'function') {
    throw new TypeError(
      `select: options.random must be a function returning numbers in [0, 1), got ${describeValue(random)}`,
    );
  }
  return { default: withDefault === true, random: random ?? null };
}

function describeCase(waitable: Waitable<unknown>): string {
  try {
    return waitable.describe?.() ?? waitable.constructor?.name ?? 'a waitable';
  } catch {
    return 'a waitable (its describe() threw)';
  }
}
