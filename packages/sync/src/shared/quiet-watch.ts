/**
 * The async shared waits of this thread that sleep, looked at every `intervalMs` so a
 * dead holder is noticed. One timer per thread instead of a timeout on each futex sleep:
 * a V8 `waitAsync` with a timeout costs about a third of the throughput of a contended
 * async lock. The timer does not hold the event loop open (the waits do that) and stops
 * once no wait is left at a tick.
 */
export class QuietWatch<W extends { checkQuiet(): void }> {
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
    for (const wait of this.sleeping) wait.checkQuiet();
  }
}
