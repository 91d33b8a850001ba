/** A summary of recorded durations, in milliseconds. */
export interface HistogramSnapshot {
  count: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  /** Counts per power-of-two microsecond bucket: bucket i holds durations below 2^i µs. */
  buckets: number[];
}

const BUCKETS = 32;

/**
 * A fixed-size log2 histogram of durations: recording is a few arithmetic operations and
 * allocates nothing, so the pool can record every task. Percentiles are bucket upper bounds.
 */
export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  private count = 0;
  private sum = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = 0;

  record(ms: number): void {
    if (!(ms >= 0)) ms = 0;
    const micros = ms * 1000;
    const bucket = micros < 1 ? 0 : Math.min(BUCKETS - 1, 1 + Math.floor(Math.log2(micros)));
    this.counts[bucket]!++;
    this.count++;
    this.sum += ms;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  snapshot(): HistogramSnapshot {
    return {
      count: this.count,
      min: this.count === 0 ? 0 : this.min,
      max: this.max,
      mean: this.count === 0 ? 0 : this.sum / this.count,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      buckets: Array.from(this.counts),
    };
  }

  private percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, 2 ** i / 1000);
    }
    return this.max;
  }
}
