import {
  BrokenBarrierError,
  checkWaitOptions,
  futexWake,
  type Operation,
  type WaitOptions,
} from '@spindle/core-context';
import { checkInteger } from '../validate.js';
import { blockingTimeout } from '../wait-options.js';
import { impossibleState, initializing, SharedCells, withoutReset } from './cells.js';
import { THREAD_TABLE_CELLS, ThreadTable } from './thread-table.js';
import { CellAttempt, QUIET_SLICE_MS, SharedWait } from './wait-engine.js';

const STATE = 0;
const PARTIES = 1;
/** When the first party of the current generation arrived (Date.now(), low 31 bits). */
const OPENED_AT = 2;
const TABLE = 3;
// The state cell packs: arrivals (bits 0-15), "the previous generation was broken" (bit 16),
// and the generation number (bits 17-30, wrapping).
const ARRIVED_MASK = 0xffff;
const BROKEN = 1 << 16;
const GENERATION_SHIFT = 17;
const GENERATION_MASK = 0x3fff;
const MAX_PARTIES = ARRIVED_MASK;

function generationOf(state: number): number {
  return (state >>> GENERATION_SHIFT) & GENERATION_MASK;
}

function nextGeneration(state: number, broken: boolean): number {
  return (((generationOf(state) + 1) & GENERATION_MASK) << GENERATION_SHIFT) | (broken ? BROKEN : 0);
}

/**
 * A reusable barrier for `parties` worker threads (at most 65,535) in three Int32 cells
 * and a table of the parties each thread has waiting, tagged with their generation (bits
 * 17-30, as in the state cell): a count of a generation that ended counts for nothing, so
 * parties that passed or left never need to take themselves out. The last arrival of each generation
 * is its leader. A party that leaves early (timeout, abort) breaks its generation: the
 * others fail with BrokenBarrierError, and the next generation starts fresh. So does a
 * party whose thread died while it waited: a waiter notices within about 100 ms, and so
 * does the last arrival of a generation that was open longer than that.
 */
export class SharedBarrier extends SharedCells {
  static readonly INT32_SLOTS = 3 + THREAD_TABLE_CELLS;
  /** @internal the parties each thread has waiting */
  readonly waiting: ThreadTable;

  constructor(parties: number, view?: Int32Array, index = 0) {
    super(view, index, SharedBarrier.INT32_SLOTS, 'SharedBarrier');
    this.waiting = new ThreadTable(this.view, index + TABLE, () => {
      const generation = this.generation;
      if (this.partyDied(generation, false)) this.breakGeneration(generation);
    });
    if (!initializing()) {
      this.checkAttached();
      return;
    }
    checkInteger('SharedBarrier parties', parties, 1);
    if (parties > MAX_PARTIES) throw new RangeError(`SharedBarrier parties must be at most ${MAX_PARTIES}`);
    Atomics.store(this.view, index + STATE, 0);
    Atomics.store(this.view, index + PARTIES, parties);
    this.waiting.reset();
  }

  /**
   * Opens the SharedBarrier whose cells start at `index` of `view` without resetting them: how
   * a worker that was posted the buffer opens a live one (`new` would reset its state).
   */
  static attach(view: Int32Array, index = 0): SharedBarrier {
    return withoutReset(() => new SharedBarrier(1, view, index));
  }

  get parties(): number {
    return Atomics.load(this.view, this.index + PARTIES);
  }

  /** Completed or broken generations so far (wrapping at 16,384). */
  get generation(): number {
    return generationOf(Atomics.load(this.view, this.index + STATE));
  }

  /** Arrives and waits for the others without blocking the thread; resolves to true for the leader. */
  wait(options?: WaitOptions): Operation<boolean> {
    return new SharedBarrierWait(this, checkWaitOptions(options, 'SharedBarrier.wait'));
  }

  /** Arrives and blocks this worker thread until all have arrived; true for the leader. */
  waitBlocking(options?: { timeout?: number }): boolean {
    return new SharedBarrierWait(this, undefined).block(
      'SharedBarrier.waitBlocking',
      blockingTimeout(options, 'SharedBarrier.waitBlocking'),
    );
  }

  private checkAttached(): void {
    const parties = this.parties;
    const state = Atomics.load(this.view, this.index + STATE);
    if (parties < 1 || parties > MAX_PARTIES) {
      throw impossibleState('SharedBarrier', this.index, `${parties} parties`);
    }
    if (state < 0 || (state & ARRIVED_MASK) >= parties) {
      throw impossibleState(
        'SharedBarrier',
        this.index,
        `${state & ARRIVED_MASK} arrivals of ${parties} parties`,
      );
    }
  }

  /** Notes the first arrival of a generation. @internal */
  opened(): void {
    Atomics.store(this.view, this.index + OPENED_AT, Date.now() & 0x7fffffff);
  }

  /**
   * True when a party that waits in `generation` died (dead threads leave the table).
   * The last arrival looks only when the generation was open longer than a wait slice,
   * since waiters look themselves after each slice. @internal
   */
  partyDied(generation: number, lastArrival: boolean): boolean {
    if (lastArrival) {
      const openFor =
        ((Date.now() & 0x7fffffff) - Atomics.load(this.view, this.index + OPENED_AT)) & 0x7fffffff;
      if (openFor < QUIET_SLICE_MS) return false;
    }
    const waitingIn = (count: number) =>
      count >>> GENERATION_SHIFT === generation ? count & ARRIVED_MASK : 0;
    return this.waiting.sweep(waitingIn) > 0;
  }

  /** Counts one more party of this thread waiting in `generation` (a count of an older one is stale). @internal */
  arrived(generation: number): void {
    this.waiting.change((count) =>
      count >>> GENERATION_SHIFT === generation ? count + 1 : (generation << GENERATION_SHIFT) | 1,
    );
  }

  /** Breaks `generation`; false when it already ended. @internal */
  breakGeneration(generation: number): boolean {
    for (;;) {
      const state = Atomics.load(this.view, this.index + STATE);
      if (generationOf(state) !== generation) return false;
      if (this.advance(state, nextGeneration(state, true))) return true;
    }
  }

  /** Moves the state from `seen` on; false when another thread changed it first. @internal */
  advance(seen: number, next: number): boolean {
    if (Atomics.compareExchange(this.view, this.index + STATE, seen, next) !== seen) return false;
    if (generationOf(next) !== generationOf(seen)) futexWake(this.view, this.index + STATE);
    return true;
  }
}

/** A barrier wait; not selectable: leaving breaks the generation for the other parties. */
class SharedBarrierWait extends SharedWait<boolean> {
  readonly selectable = false;

  constructor(
    private readonly barrier: SharedBarrier,
    options: WaitOptions | undefined,
  ) {
    super(barrier.view, barrier.index + STATE, options);
  }

  describe(): string {
    return 'SharedBarrier.wait()';
  }

  protected newAttempt(): ArrivalAttempt {
    return new ArrivalAttempt(this.barrier);
  }
}

class ArrivalAttempt extends CellAttempt<boolean> {
  private generation = -1;
  private leader = false;

  constructor(private readonly barrier: SharedBarrier) {
    super();
  }

  attempt(): boolean {
    const state = Atomics.load(this.barrier.view, this.barrier.index + STATE);
    if (this.generation === -1) return this.arrive(state);
    if (generationOf(state) === this.generation) {
      this.expected = state;
      return false;
    }
    if (generationOf(state) === ((this.generation + 1) & GENERATION_MASK) && (state & BROKEN) !== 0) {
      throw new BrokenBarrierError();
    }
    return true;
  }

  /** A party of this generation whose thread died breaks it. */
  override afterQuietSlice(): void {
    if (this.barrier.partyDied(this.generation, false)) this.barrier.breakGeneration(this.generation);
  }

  result(): boolean {
    return this.leader;
  }

  /** Leaving breaks the generation, unless it completed first (then the wait must finish). */
  override leave(): boolean {
    return this.barrier.breakGeneration(this.generation);
  }

  private arrive(state: number): boolean {
    for (; ; state = Atomics.load(this.barrier.view, this.barrier.index + STATE)) {
      const arrived = (state & ARRIVED_MASK) + 1;
      if (arrived === this.barrier.parties) {
        const broken = arrived > 1 && this.barrier.partyDied(generationOf(state), true);
        if (!this.barrier.advance(state, nextGeneration(state, broken))) continue;
        if (broken) throw new BrokenBarrierError('A party of this SharedBarrier died while it waited');
        this.leader = true;
        return true;
      }
      if (!this.barrier.advance(state, (state & ~ARRIVED_MASK) | arrived)) continue;
      if (arrived === 1) this.barrier.opened();
      this.generation = generationOf(state);
      this.barrier.arrived(this.generation);
      this.expected = (state & ~ARRIVED_MASK) | arrived;
      return false;
    }
  }
}
