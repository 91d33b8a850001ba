/** Small Waitables the benchmarks hand tokens and wake-ups through. */
import { List, Operation } from '@spindle/core-context';

/** A one-slot handoff between two fibers: `put` wakes the parked receiver or stores the value. */
export class Mailbox extends Operation {
  waiter = null;
  value = undefined;
  full = false;

  park(waiter) {
    if (this.full) {
      this.full = false;
      waiter.wake(this.value);
    } else this.waiter = waiter;
  }

  unpark(waiter) {
    if (this.waiter !== waiter) return false;
    this.waiter = null;
    return true;
  }

  put(value) {
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      if (waiter.wake(value)) return;
    }
    this.value = value;
    this.full = true;
  }
}

/** An event that parks any number of waiters (the fibers are the list nodes). */
export class Event extends Operation {
  waiters = new List();

  park(waiter) {
    this.waiters.pushBack(waiter);
  }

  unpark(waiter) {
    return this.waiters.remove(waiter);
  }
}
