/**
 * Which task functions have always finished within a threshold on this worker. Before a
 * task starts, a worker announces the results it holds unless the task's function is known
 * to be quick: tiny tasks keep batching their wake-ups of the main thread, and any function
 * that has once run long (or has never run) cannot hold finished results behind it.
 */
export class QuickFunctions {
  private readonly quick = new Map<number, boolean>();

  constructor(private readonly thresholdMs: number) {}

  isQuick(fnId: number): boolean {
    return this.quick.get(fnId) === true;
  }

  record(fnId: number, ranMs: number): void {
    if (ranMs >= this.thresholdMs) this.quick.set(fnId, false);
    else if (!this.quick.has(fnId)) this.quick.set(fnId, true);
  }
}
