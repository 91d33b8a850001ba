import { InvalidStateError, SharedOutcome, type UnparkResult, type Waiter } from '@spindle/core-context';

/** What keeps the process alive while someone waits for a task's end (the pool's workers). */
export interface EndHold {
  holdForEnd(): void;
  releaseForEnd(): void;
}

let finishEnd: (end: TaskEnd, result: SharedOutcome<unknown>) => void;
let keepWaiter: (end: TaskEnd, waiter: Waiter, told: boolean) => void;
let releaseUnhalted: (end: TaskEnd, result: SharedOutcome<unknown>) => void;
let withdrawKept: (end: TaskEnd, waiter: Waiter) => UnparkResult | null;
/** The end being finished: SharedOutcome's settleOutcome is reachable from JavaScript. */
let finishing: TaskEnd | null = null;

/**
 * A pool task's `ended`: completes (with no value) once the worker no longer runs the task.
 * It also keeps the waiters of the task's result that must not see the result's outcome
 * before the task ended (a halted waiter, see TaskResult), and hands them that outcome at
 * the end. While anyone waits here, the pool's workers keep the process alive: the end
 * comes from a worker, and nothing else may be holding the event loop open.
 *
 * Its surface is SharedOutcome's: only this module finishes it.
 */
export class TaskEnd extends SharedOutcome<void> {
  readonly #hold: EndHold | null;
  /** Kept waiters of the result, each with whether it was told `'pending'` already. */
  #kept: Map<Waiter, boolean> | null = null;
  #holding = false;

  constructor(hold: EndHold | null) {
    super();
    this.#hold = hold;
  }

  static {
    finishEnd = (end, result) => {
      const outer = finishing;
      finishing = end;
      try {
        end.settleOutcome(true, undefined);
      } finally {
        finishing = outer;
        const kept = end.#kept;
        end.#kept = null;
        end.#updateHold();
        if (kept !== null) for (const waiter of kept.keys()) result.park(waiter);
      }
    };
    keepWaiter = (end, waiter, told) => {
      (end.#kept ??= new Map()).set(waiter, told);
      end.#updateHold();
    };
    releaseUnhalted = (end, result) => {
      const kept = end.#kept;
      if (kept === null) return;
      for (const [waiter, told] of kept) {
        if (told || waiter.token?.cancelled) continue;
        kept.delete(waiter);
        result.park(waiter); // the settled result's outcome, now
      }
      end.#updateHold();
    };
    withdrawKept = (end, waiter) => {
      const told = end.#kept?.get(waiter);
      if (told === undefined) return null;
      if (!told && waiter.token?.cancelled) {
        // Its halt comes after the cancel: from now on it waits for the end, as it is told.
        end.#kept!.set(waiter, true);
        return 'pending';
      }
      // Withdrawn again (a forced halt), or not halted at all: it lets go at once.
      end.#kept!.delete(waiter);
      end.#updateHold();
      return true;
    };
  }

  describe(): string {
    return this.settled ? 'the end of a pool task (ended)' : 'the end of a running pool task';
  }

  /** @internal Only the pool finishes a task's end. */
  protected override settleOutcome(ok: boolean, outcome: unknown): boolean {
    if (finishing !== this) throw new InvalidStateError("only the pool completes a task's end");
    return super.settleOutcome(ok, outcome);
  }

  protected override parked(): void {
    this.#updateHold();
  }

  protected override withdrawn(): UnparkResult {
    this.#updateHold();
    return true;
  }

  /** Holds the process while the end is to come and someone waits for it here. */
  #updateHold(): void {
    const wanted = !this.settled && (this.waiterCount > 0 || (this.#kept?.size ?? 0) > 0);
    if (wanted === this.#holding || this.#hold === null) return;
    this.#holding = wanted;
    if (wanted) this.#hold.holdForEnd();
    else this.#hold.releaseForEnd();
  }
}

/**
 * One shared, completed end for every task that ended before anyone asked: frozen, and a
 * module constant rather than a static (which the class, reachable from any `ended`,
 * would let anyone replace).
 */
export const ALREADY_ENDED: TaskEnd = completedEnd();

function completedEnd(): TaskEnd {
  const end = new TaskEnd(null);
  finishEnd(end, end);
  Object.freeze(end);
  return end;
}

/** Completes `end`, then hands each kept waiter the (settled) `result`'s outcome. */
export function finish(end: TaskEnd, result: SharedOutcome<unknown>): void {
  finishEnd(end, result);
}

/**
 * Keeps `waiter` (withdrawn from the task's result) until the end. `told`: its withdrawal
 * answered `'pending'` already; otherwise it is held back from a cancel (see TaskResult)
 * and its first withdrawal here answers `'pending'` when it was halted.
 */
export function keep(end: TaskEnd, waiter: Waiter, told: boolean): void {
  keepWaiter(end, waiter, told);
}

/** Hands the settled `result`'s outcome to the held-back waiters that turned out not halted. */
export function releaseNotHalted(end: TaskEnd, result: SharedOutcome<unknown>): void {
  releaseUnhalted(end, result);
}

/**
 * Withdraws a kept waiter: `'pending'` for a halted one the first time it hears of it, true
 * (let go at once) when it was told already or is not halted; null when `end` does not keep it.
 */
export function withdrawFromEnd(end: TaskEnd, waiter: Waiter): UnparkResult | null {
  return withdrawKept(end, waiter);
}
