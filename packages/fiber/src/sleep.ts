import { InvalidStateError, Operation, type Waiter } from '@spindle/core-context';
import { DEADLINE, EXPIRE, HEAP_INDEX, SEQ, TimerHeap } from './timer-heap.js';

const timers = new TimerHeap();

/**
 * A sleep as a Waitable: its waiter is woken once `ms` have passed since it parked. All
 * sleeps share one timer heap (one Node timer). Halting a sleeping fiber unparks it, which
 * takes its entry out of the heap. One Sleep serves one waiter at a time.
 */
export class Sleep extends Operation<void> {
  readonly timed = true;
  /** @internal */
  [DEADLINE] = 0;
  /** @internal */
  [SEQ] = 0;
  /** @internal */
  [HEAP_INDEX] = -1;
  #waiter: Waiter<void> | null = null;

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
    this[DEADLINE] = Date.now() + this.ms;
    timers.add(this);
  }

  unpark(waiter: Waiter<void>): boolean {
    if (this.#waiter !== waiter) return false;
    this.#waiter = null;
    timers.remove(this);
    return true;
  }

  /** @internal the heap's call at the deadline */
  [EXPIRE](): void {
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.wake(undefined);
  }

  describe(): string {
    return `sleep(${this.ms} ms)`;
  }
}

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
