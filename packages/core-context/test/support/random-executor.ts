import type { Executor, Runnable } from '../../src/index.js';

/** An Executor that runs its queued runnables in an order drawn from a seeded random source. */
export class RandomExecutor implements Executor {
  private readonly ready: Runnable[] = [];

  constructor(private readonly random: () => number) {}

  submit(runnable: Runnable): void {
    this.ready.push(runnable);
  }

  /** Runs one queued runnable picked at random; false when none is queued. */
  runOne(): boolean {
    if (this.ready.length === 0) return false;
    const index = Math.floor(this.random() * this.ready.length);
    const [next] = this.ready.splice(index, 1);
    next!.run();
    return true;
  }

  /** Runs until nothing is queued, at most `limit` runs (a livelock fails instead of hanging). */
  runAll(limit = 100_000): void {
    for (let runs = 0; this.runOne(); runs++) {
      if (runs >= limit) throw new Error(`RandomExecutor: still busy after ${limit} runs`);
    }
  }
}
