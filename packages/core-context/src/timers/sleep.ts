import { Operation } from '../contracts/operation.js';
import type { UnparkResult, Waiter } from '../contracts/wait.js';
import { WaitTable } from '../contracts/wait-table.js';
import { describeValue } from '../describe-value.js';
import { startTimer, stopTimer, type TimerEntry } from './timer.js';

/** Sleep waits in progress on this thread. */
let sleeping = 0;
/** Set by Sleep's static block: `entry`'s wait ended (expired or withdrawn), forget its waiter. */
let endSleep: (sleep: Sleep, entry: SleepEntry) => void;

/**
 * A sleep as a Waitable: a waiter parked on it is woken once `ms` have passed since it
 * parked. Every wait is a wait of its own, on this thread's shared timer heap (one Node
 * timer for every sleep, timeout and deadline): `await s` twice in a row sleeps twice, and
 * two waits at once each get their own deadline. Withdrawing a wait (a halt, a losing
 * select case) takes its entry out of the heap, so a Sleep is selectable. The entry of the
 * first wait at a time is kept for the next (a loop allocates it once).
 */
export class Sleep extends Operation<void> {
  readonly timed = true;
  readonly selectable = true;
  readonly #waits = new WaitTable<SleepEntry>(true);

  /** Throws a RangeError unless `ms` is a finite number of milliseconds >= 0. */
  constructor(readonly ms: number) {
    super();
    if (typeof ms !== 'number' || !(ms >= 0) || ms === Number.POSITIVE_INFINITY) {
      throw new RangeError(`sleep expects a finite number of milliseconds >= 0, got ${describeValue(ms)}`);
    }
  }

  park(waiter: Waiter<void>): void {
    const waits = this.#waits;
    const entry = waits.reuse(waiter, this) ?? waits.add(waiter, new SleepEntry(this));
    entry.waiter = waiter;
    sleeping++;
    startTimer(entry, this.ms);
  }

  unpark(waiter: Waiter<void>): UnparkResult {
    const entry = this.#waits.find(waiter);
    if (entry === undefined || !stopTimer(entry)) return false;
    endSleep(this, entry);
    return true;
  }

  describe(): string {
    return `sleep(${this.ms} ms)`;
  }

  static {
    endSleep = (sleep, entry) => {
      sleeping--;
      sleep.#waits.end(entry.waiter!);
      entry.waiter = null;
    };
  }
}

/** One wait on a Sleep: its deadline entry on the shared heap. */
class SleepEntry implements TimerEntry {
  deadline = 0;
  seq = 0;
  index = -1;
  waiter: Waiter<void> | null = null;

  constructor(private readonly sleep: Sleep) {}

  expire(): void {
    const waiter = this.waiter!;
    endSleep(this.sleep, this);
    waiter.wake(undefined); // a refusal needs nothing kept: the time passed for nobody
  }
}

/** Waits `ms` milliseconds: `yield* sleep(10)` in a fiber, `await sleep(10)` in async code. */
export function sleep(ms: number): Sleep {
  return new Sleep(ms);
}

/**
 * Number of sleep waits in progress on this thread (for tests and diagnostics). They share
 * one timer heap with wait timeouts and token deadlines, which this count leaves out.
 */
export function pendingSleeps(): number {
  return sleeping;
}
