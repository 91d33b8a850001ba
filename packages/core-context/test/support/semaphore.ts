import { List, Operation, type UnparkResult, type Waiter } from '../../src/index.js';

/** A queued acquire: its waiter and how many permits it wants. */
class Want {
  next: Want | null = null;
  prev: Want | null = null;
  owner: object | null = null;

  constructor(
    readonly waiter: Waiter<void>,
    readonly permits: number,
  ) {}
}

/**
 * A FIFO counting semaphore written like `@spindle/sync`'s: withdrawing the head of the
 * queue hands the permits on at once (synchronously), which makes it the re-entrancy source
 * of the design review's §1.2. Permits go to a waiter only through a successful claim: a
 * refused one keeps them here for the next waiter.
 */
export class Semaphore {
  private readonly queue = new List<Want>();

  constructor(public available: number) {}

  acquire(permits = 1): Operation<void> {
    return new AcquireOp(this, permits);
  }

  release(permits = 1): void {
    this.available += permits;
    this.dispatch();
  }

  get waiting(): number {
    return this.queue.size;
  }

  /** @internal */
  park(waiter: Waiter<void>, permits: number): void {
    if (this.queue.isEmpty && this.available >= permits) {
      if (!waiter.claim()) return;
      this.available -= permits;
      waiter.settle(true, undefined);
      return;
    }
    this.queue.pushBack(new Want(waiter, permits));
  }

  /** @internal */
  unpark(waiter: Waiter<void>): boolean {
    for (let want = this.queue.first(); want !== null; want = want.next) {
      if (want.waiter !== waiter) continue;
      const wasHead = want === this.queue.first();
      this.queue.remove(want);
      if (wasHead) this.dispatch(); // the next waiter may fit now: hand on synchronously
      return true;
    }
    return false;
  }

  private dispatch(): void {
    for (
      let head = this.queue.first();
      head !== null && this.available >= head.permits;
      head = this.queue.first()
    ) {
      this.queue.remove(head);
      if (!head.waiter.claim()) continue; // no longer accepts: the permits stay for the next
      this.available -= head.permits;
      head.waiter.settle(true, undefined);
    }
  }
}

class AcquireOp extends Operation<void> {
  readonly selectable = true;

  constructor(
    private readonly semaphore: Semaphore,
    private readonly permits: number,
  ) {
    super();
  }

  park(waiter: Waiter<void>): void {
    this.semaphore.park(waiter, this.permits);
  }

  unpark(waiter: Waiter<void>): UnparkResult {
    return this.semaphore.unpark(waiter);
  }

  restore(): void {
    this.semaphore.release(this.permits);
  }

  describe(): string {
    return `acquire(${this.permits})`;
  }
}
