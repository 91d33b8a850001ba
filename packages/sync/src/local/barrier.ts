import {
  BrokenBarrierError,
  bounded,
  checkWaitOptions,
  List,
  Operation,
  type UnparkResult,
  type Waiter,
  type WaitOptions,
} from '@spindle/core-context';
import { checkInteger } from '../validate.js';

/**
 * A reusable barrier for `parties` waiters: each `wait()` waits until all have arrived,
 * then every one returns, the last arrival (the leader) with `true`, the others with
 * `false`, and a new generation begins. A party that leaves early (timeout, abort, halt)
 * breaks its generation: the others fail with BrokenBarrierError and the barrier starts
 * a fresh generation, usable again. So a withdrawn wait leaves a trace for the other
 * parties: `wait()` is not selectable (a select refuses it).
 */
export class Barrier {
  readonly parties: number;
  #waiters = new List<Waiter<boolean>>();
  #generation = 0;
  readonly #wait = new BarrierWait(this);

  constructor(parties: number) {
    checkInteger('Barrier parties', parties, 1);
    this.parties = parties;
  }

  /** Parties waiting in the current generation. */
  get arrived(): number {
    return this.#waiters.size;
  }

  /** Completed or broken generations so far. */
  get generation(): number {
    return this.#generation;
  }

  /** Arrives and waits for the others; resolves to true for the leader. Options bound the wait. */
  wait(options?: WaitOptions): Operation<boolean> {
    return bounded(this.#wait, checkWaitOptions(options, 'Barrier.wait'));
  }

  /** @internal (BarrierWait, below) */
  arrive(waiter: Waiter<boolean>): void {
    if (this.#waiters.size + 1 < this.parties) {
      this.#waiters.pushBack(waiter);
      return;
    }
    const passing = this.#endGeneration();
    for (let w = passing.popFront(); w !== null; w = passing.popFront()) w.wake(false);
    waiter.wake(true);
  }

  /** @internal (BarrierWait, below) */
  leave(waiter: Waiter<boolean>): boolean {
    if (!this.#waiters.remove(waiter)) return false;
    const broken = this.#endGeneration();
    const error = new BrokenBarrierError();
    for (let w = broken.popFront(); w !== null; w = broken.popFront()) w.fail(error);
    return true;
  }

  /**
   * Starts the next generation and returns the waiters of the one that ended, in a list of
   * their own: what they are told may re-enter (a fiber arriving again at once) and must
   * land in the new generation.
   */
  #endGeneration(): List<Waiter<boolean>> {
    const ended = this.#waiters;
    this.#waiters = new List();
    this.#generation++;
    return ended;
  }
}

class BarrierWait extends Operation<boolean> {
  /** Leaving breaks the generation for the other parties. */
  readonly selectable = false;

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

  unpark(waiter: Waiter<boolean>): UnparkResult {
    return this.barrier.leave(waiter);
  }
}
