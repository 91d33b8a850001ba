/** A sleeping wait as the quiet watch sees it: the cell it sleeps on, and its look. */
export interface QuietWait {
  readonly quietBuffer: ArrayBufferLike;
  readonly quietCell: number;
  checkQuiet(): void;
}

/**
 * The async shared waits of this thread that sleep, looked at every `intervalMs` so a
 * dead holder is noticed. One timer per thread instead of a timeout on each futex sleep:
 * a V8 `waitAsync` with a timeout costs about a third of the throughput of a contended
 * async lock. Each tick looks once per cell (one wait's look serves every wait on it, so
 * 10,000 idle waits on one primitive cost one look). The timer does not hold the event
 * loop open (the waits do that) and stops once no wait is left at a tick.
 */
export class QuietWatch<W extends QuietWait> {
  private readonly sleeping = new Set<W>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly intervalMs: number) {}

  add(wait: W): void {
    this.sleeping.add(wait);
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  delete(wait: W): void {
    this.sleeping.delete(wait);
  }

  private tick(): void {
    if (this.sleeping.size === 0) {
      clearInterval(this.timer!);
      this.timer = null;
      return;
    }
    const looked = new Map<ArrayBufferLike, Set<number>>();
    // A look may end waits (the set then changes under us): look at a copy.
    for (const wait of [...this.sleeping]) {
      let cells = looked.get(wait.quietBuffer);
      if (cells === undefined) {
        cells = new Set();
        looked.set(wait.quietBuffer, cells);
      }
      if (cells.has(wait.quietCell)) continue;
      cells.add(wait.quietCell);
      wait.checkQuiet();
    }
  }
}
