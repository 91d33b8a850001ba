import {
  AlreadyLinkedError,
  createRandom,
  type Executor,
  type FaultSource,
  InvalidStateError,
  Queue,
  type Runnable,
  withFaultSource,
} from '@spindle/core-context';

export interface ManualExecutorOptions {
  /** Seed of the random order and of fault decisions. Default: `SPINDLE_SEED` from the environment, else 1. */
  seed?: number;
  /** Run pending runnables in a seeded random order instead of FIFO. */
  random?: boolean;
  /**
   * Answer `faultPoint()` while this executor runs: `true` injects with probability 1/4,
   * or give `yieldProbability` in [0, 1].
   */
  faults?: boolean | { yieldProbability?: number };
}

const DEFAULT_DRAIN_LIMIT = 1_000_000;

/** The seed used when none is given: `SPINDLE_SEED` lets a failing seed be replayed. */
export function defaultSeed(): number {
  const fromEnv = Number(process.env.SPINDLE_SEED);
  return Number.isInteger(fromEnv) ? fromEnv : 1;
}

/**
 * A deterministic executor for tests: nothing runs until the test calls `runNext`,
 * `runAtMost` or `drain`. With `random`, each step picks a pending runnable from a seeded
 * PRNG, so one seed is one interleaving; with `faults`, `faultPoint()` says yes at seeded
 * moments. The seed is kept in `seed` and named in every livelock error.
 */
export class ManualExecutor implements Executor, FaultSource {
  readonly seed: number;
  private readonly fifo = new Queue<Runnable>();
  /** Pending runnables in random mode (picked by index, so an array rather than a list). */
  private readonly pool: Runnable[] = [];
  private readonly random: boolean;
  private readonly faultProbability: number;
  private readonly nextRandom: () => number;

  constructor(options: ManualExecutorOptions = {}) {
    this.seed = options.seed ?? defaultSeed();
    this.nextRandom = createRandom(this.seed);
    this.random = options.random === true;
    const faults = options.faults;
    const probability =
      faults === undefined || faults === false
        ? 0
        : faults === true
          ? 0.25
          : (faults.yieldProbability ?? 0.25);
    if (!(probability >= 0 && probability <= 1)) {
      throw new RangeError(`faults.yieldProbability must be in [0, 1], got ${String(probability)}`);
    }
    this.faultProbability = probability;
  }

  /** Number of runnables waiting to run. */
  get pending(): number {
    return this.fifo.size + this.pool.length;
  }

  submit(runnable: Runnable): void {
    if (!this.random) {
      this.fifo.push(runnable);
      return;
    }
    if (runnable.owner !== null) throw new AlreadyLinkedError();
    runnable.owner = this;
    this.pool.push(runnable);
  }

  /** Runs one pending runnable; false when none was pending. */
  runNext(): boolean {
    const runnable = this.take();
    if (runnable === null) return false;
    if (this.faultProbability > 0) withFaultSource(this, () => runnable.run());
    else runnable.run();
    return true;
  }

  /** Runs up to `n` runnables (including ones submitted meanwhile); returns how many ran. */
  runAtMost(n: number): number {
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`n must be a non-negative integer, got ${String(n)}`);
    let ran = 0;
    while (ran < n && this.runNext()) ran++;
    return ran;
  }

  /**
   * Runs until nothing is pending and returns how many ran. Throws when more than `limit`
   * runnables ran and work remains: a livelock, reported with the seed to replay it.
   */
  drain(limit = DEFAULT_DRAIN_LIMIT): number {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new RangeError(`limit must be a non-negative integer, got ${String(limit)}`);
    }
    const ran = this.runAtMost(limit);
    if (this.pending > 0) {
      throw new InvalidStateError(
        `ManualExecutor.drain ran ${ran} runnables and ${this.pending} are still pending (seed ${this.seed}): ` +
          'a livelock? Replay with SPINDLE_SEED or raise the limit',
      );
    }
    return ran;
  }

  decideFault(_label: string | undefined): boolean {
    return this.faultProbability > 0 && this.nextRandom() < this.faultProbability;
  }

  private take(): Runnable | null {
    if (!this.random) return this.fifo.shift();
    const count = this.pool.length;
    if (count === 0) return null;
    const index = Math.floor(this.nextRandom() * count);
    const runnable = this.pool[index]!;
    this.pool[index] = this.pool[count - 1]!;
    this.pool.pop();
    runnable.owner = null;
    return runnable;
  }
}
