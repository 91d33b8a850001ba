import { InvalidStateError, Operation, TimerHeap, type TimerSlots, type Waiter } from '@spindle/core-context';

/** The heap's access to a Sleep's private fields (set by the class's static block). */
let slots: TimerSlots<Sleep>;

/**
 * A sleep as a Waitable: its waiter is woken once `ms` have passed since it parked. All
 * sleeps share one timer heap (one Node timer). Halting a sleeping fiber unparks it, which
 * takes its entry out of the heap. One Sleep serves one waiter at a time.
 */
export class Sleep extends Operation<void> {
  readonly timed = true;
  #deadline = 0;
  #seq = 0;
  #heapIndex = -1;
  #waiter: Waiter<void> | null = null;

  static {
    slots = {
      deadline: (sleep) => sleep.#deadline,
      seq: (sleep) => sleep.#seq,
      setSeq: (sleep, seq) => {
        sleep.#seq = seq;
      },
      index: (sleep) => sleep.#heapIndex,
      setIndex: (sleep, index) => {
        sleep.#heapIndex = index;
      },
      expire: (sleep) => sleep.#expire(),
    };
  }

  constructor(readonly ms: number) {
    super();
  }

  park(waiter: Waiter<void>): void {
    if (this.#waiter !== null) {
      throw new InvalidStateError(
        'This sleep is already being waited on; call sleep() again for another wait',
      );
    }
    this.#waiter = waiter;
    this.#deadline = Date.now() + this.ms;
    timers.add(this);
  }

  unpark(waiter: Waiter<void>): boolean {
    if (this.#waiter !== waiter) return false;
    this.#waiter = null;
    timers.remove(this);
    return true;
  }

  /** The heap's call at the deadline. */
  #expire(): void {
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.wake(undefined);
  }

  describe(): string {
    return `sleep(${this.ms} ms)`;
  }
}

const timers = new TimerHeap<Sleep>(slots);

/** Waits `ms` milliseconds: `yield* sleep(10)` in a fiber, `await sleep(10)` in async code. */
export function sleep(ms: number): Sleep {
  if (typeof ms !== 'number' || !(ms >= 0) || ms === Number.POSITIVE_INFINITY) {
    throw new RangeError(`sleep expects a finite number of milliseconds >= 0, got ${String(ms)}`);
  }
  return new Sleep(ms);
}

/** Number of sleeps waiting on the shared timer (for tests and diagnostics). */
export function pendingSleeps(): number {
  return timers.size;
}
