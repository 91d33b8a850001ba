import { BrokenBarrierError, List, Operation, type Waiter, type WaitOptions } from '@spindle/core-context';
import { checkInteger } from '../validate.js';
import { withOptions } from '../wait-options.js';
import { failAll, wakeAll } from './waiter-list.js';

/**
 * A reusable barrier for `parties` waiters: each `wait()` waits until all have arrived,
 * then every one returns, the last arrival (the leader) with `true`, the others with
 * `false`, and a new generation begins. A party that leaves early (timeout, abort, halt)
 * breaks its generation: the others fail with BrokenBarrierError and the barrier starts
 * a fresh generation, usable again.
 */
export class Barrier {
  readonly parties: number;
  /** @internal */ readonly waiters = new List<Waiter<boolean>>();
  private generationNumber = 0;
  private readonly waitOperation = new BarrierWait(this);

  constructor(parties: number) {
    checkInteger('Barrier parties', parties, 1);
    this.parties = parties;
  }

  /** Parties waiting in the current generation. */
  get arrived(): number {
    return this.waiters.size;
  }

  /** Completed or broken generations so far. */
  get generation(): number {
    return this.generationNumber;
  }

  /** Arrives and waits for the others; resolves to true for the leader. */
  wait(options?: WaitOptions): Operation<boolean> {
    return withOptions(this.waitOperation, options, 'Barrier.wait');
  }

  /** @internal */
  arrive(waiter: Waiter<boolean>): void {
    if (this.waiters.size + 1 < this.parties) {
      this.waiters.pushBack(waiter);
      return;
    }
    this.generationNumber++;
    wakeAll(this.waiters, false);
    waiter.wake(true);
  }

  /** @internal */
  leave(waiter: Waiter<boolean>): boolean {
    if (!this.waiters.remove(waiter)) return false;
    this.generationNumber++;
    failAll(this.waiters, new BrokenBarrierError());
    return true;
  }
}

class BarrierWait extends Operation<boolean> {
  constructor(private readonly barrier: Barrier) {
    super();
  }

  /** What a waiting fiber waits on, for debugging listings. */
  describe(): string {
    return 'Barrier.wait()';
  }

  park(waiter: Waiter<boolean>): void {
    this.barrier.arrive(waiter);
  }

  unpark(waiter: Waiter<boolean>): boolean {
    return this.barrier.leave(waiter);
  }
}
