import { performance } from 'node:perf_hooks';
import { tracer } from '@spindle/core-context';
import { IDLE_WORKERS, PARK_SEQ, type PoolMemory, SHUTDOWN, STOP } from '../protocol/shared-memory.js';

const PARK_TIMEOUT_MS = 50;
/** How long an idle worker polls for work before it parks on the futex. */
const SPIN_MS = 0.03;

/**
 * Where a worker finds its next task (its inbox, its deque, the global queue, a victim's
 * deque) and how it waits when there is none.
 */
export class TaskQueues {
  private readonly words: Int32Array;
  /** Tasks taken inside a helping join whose module had not loaded yet: run by the loop later. */
  readonly deferred: number[] = [];

  constructor(
    private readonly memory: PoolMemory,
    readonly index: number,
    private readonly stealing: boolean,
    private readonly random: () => number,
  ) {
    this.words = memory.words;
  }

  /**
   * Next task slot, or -1 if none. The slot is marked as this worker's: until it starts it
   * is in no queue, and the pool must find it if this worker dies.
   */
  take(): number {
    const slot = this.takeFromQueues();
    // Atomic, so a main thread that cancels the slot after this worker checked it sees the runner.
    if (slot >= 0) this.memory.setRunner(slot, this.index);
    return slot;
  }

  /** Next slot from this worker's inbox, its deque, the global queue, or a victim's deque; -1 if none. */
  private takeFromQueues(): number {
    const memory = this.memory;
    let slot = memory.inboxes[this.index]!.shift();
    if (slot >= 0) return slot;
    if (this.stealing) {
      slot = memory.deques[this.index]!.pop();
      if (slot >= 0) return slot;
    }
    slot = memory.global.shift();
    if (slot >= 0) {
      if (this.stealing) this.grabBatch();
      return slot;
    }
    return this.stealing ? this.steal() : -1;
  }

  /** Moves a share of the global queue onto this worker's deque, where thieves can balance it. */
  private grabBatch(): void {
    const memory = this.memory;
    const deque = memory.deques[this.index]!;
    let count = Math.min(
      32,
      Math.floor(memory.global.size / memory.layout.geometry.workers),
      deque.capacity - deque.size - memory.layout.geometry.forkSlots,
    );
    while (count-- > 0) {
      const slot = memory.global.shift();
      if (slot < 0) break;
      deque.push(slot);
    }
  }

  /** Steals half of a random victim's deque: runs the first, keeps the rest on its own deque. */
  private steal(): number {
    const memory = this.memory;
    const workers = memory.layout.geometry.workers;
    if (workers < 2) return -1;
    const start = Math.floor(this.random() * workers);
    for (let i = 0; i < workers; i++) {
      const victim = (start + i) % workers;
      if (victim === this.index) continue;
      const source = memory.deques[victim]!;
      const available = source.size;
      if (available === 0) continue;
      const first = source.steal();
      if (first < 0) continue;
      const own = memory.deques[this.index]!;
      let stolen = 1;
      for (let more = (available >> 1) - 1; more > 0 && own.size < own.capacity - 1; more--) {
        const slot = source.steal();
        if (slot < 0) break;
        own.push(slot);
        stolen++;
      }
      memory.countStolen(this.index, stolen);
      if (tracer !== null) tracer.instant('pool', 'steal', this.index, stolen);
      return first;
    }
    return -1;
  }

  private hasWork(): boolean {
    const memory = this.memory;
    if (this.deferred.length > 0 || memory.inboxes[this.index]!.size > 0 || memory.global.size > 0)
      return true;
    if (!this.stealing) return false;
    for (const deque of memory.deques) if (deque.size > 0) return true;
    return false;
  }

  /** Wakes one parked worker when work is left over (each woken worker passes it on: no herd). */
  wakeAnotherIfBusy(): void {
    if (Atomics.load(this.words, IDLE_WORKERS) > 0 && this.hasWork()) this.memory.wakeWorkers(1);
  }

  /**
   * Waits for work: spins briefly, then parks on the futex. With tasks running in the
   * `background` it waits asynchronously, so their callbacks can run meanwhile.
   */
  async park(background: boolean): Promise<void> {
    if (this.spinForWork()) return;
    const words = this.words;
    const seq = Atomics.load(words, PARK_SEQ);
    Atomics.add(words, IDLE_WORKERS, 1);
    if (!this.hasWork() && Atomics.load(words, SHUTDOWN) !== STOP) {
      if (tracer !== null) tracer.instant('pool', 'park', this.index);
      if (background) {
        const wait = Atomics.waitAsync(words, PARK_SEQ, seq, PARK_TIMEOUT_MS);
        if (wait.async) await wait.value;
      } else if (Atomics.wait(words, PARK_SEQ, seq, PARK_TIMEOUT_MS) === 'timed-out') {
        Atomics.sub(words, IDLE_WORKERS, 1);
        await turn(); // let timers and control messages run while idle
        return;
      }
    }
    Atomics.sub(words, IDLE_WORKERS, 1);
  }

  /** Polls briefly before sleeping: a task that arrives within microseconds then costs no futex wake-up. */
  private spinForWork(): boolean {
    const until = performance.now() + SPIN_MS;
    do {
      if (this.hasWork()) return true;
    } while (performance.now() < until);
    return false;
  }
}

/** Lets the event loop turn once (timers, control messages), then resolves. */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
