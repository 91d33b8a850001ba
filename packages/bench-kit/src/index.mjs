/**
 * Benchmark plumbing every Spindle `bench` script shares. Output follows ARCHITECTURE.md:
 * one JSON object per line on stdout, a human table on stderr.
 */
import { performance } from 'node:perf_hooks';

/** Parses the flags every suite accepts: `--quick` for a run of a few seconds. */
export function benchOptions(argv = process.argv.slice(2)) {
  return { quick: argv.includes('--quick') || process.env.SPINDLE_BENCH_QUICK === '1' };
}

/** Median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The p-th percentile (0..100) of a list of numbers. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/**
 * Times `body(n)` (sync or async) `runs` times after one warm-up and returns the median
 * nanoseconds per operation.
 */
export async function nsPerOp(body, { n, runs = 5, warmup = 1 }) {
  for (let i = 0; i < warmup; i++) await body(n);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await body(n);
    samples.push(((performance.now() - start) * 1e6) / n);
  }
  return median(samples);
}

/**
 * Heap bytes each of `n` objects made by `make(i)` keeps alive, measured with forced GC
 * (run node with --expose-gc). Returns NaN without gc.
 */
export function retainedBytesPerItem(make, n) {
  if (typeof globalThis.gc !== 'function') return Number.NaN;
  globalThis.gc();
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  const keep = new Array(n);
  for (let i = 0; i < n; i++) keep[i] = make(i);
  globalThis.gc();
  globalThis.gc();
  const after = process.memoryUsage().heapUsed;
  const bytes = (after - before) / n;
  keep.length = 0;
  return bytes;
}

/**
 * Heap bytes allocated per operation by `body(n)`: the growth of heapUsed with GC turned
 * away from the window by a large young generation is not reliable, so this counts with
 * forced GC before and a gc-free window of `n` operations. Returns NaN without gc.
 */
export function allocatedBytesPerOp(body, n) {
  if (typeof globalThis.gc !== 'function') return Number.NaN;
  body(Math.min(n, 1000));
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  body(n);
  const after = process.memoryUsage().heapUsed;
  return Math.max(0, (after - before) / n);
}

const rows = [];

/**
 * Prints one result line. `row` must have suite, case, impl, value, unit, better ('lower'
 * or 'higher') and n (the operations measured); extra fields are kept.
 */
export function emit(row) {
  for (const key of ['suite', 'case', 'impl', 'value', 'unit', 'better', 'n']) {
    if (row[key] === undefined) throw new TypeError(`benchmark row is missing "${key}"`);
  }
  const value = Number.isFinite(row.value) ? Number(row.value.toPrecision(6)) : row.value;
  const line = { ...row, value };
  rows.push(line);
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** The rows emitted so far in this process. */
export function emitted() {
  return rows;
}

/**
 * Writes a table per case to stderr: each impl's value and its ratio against spindle's
 * (how many times better spindle is; above 1 means spindle wins).
 */
export function printRatios(lines = rows, out = process.stderr) {
  for (const table of ratioTables(lines)) {
    out.write(`\n${table.suite} / ${table.case} (${table.caption})\n`);
    for (const r of table.rows) {
      const ratio = r.spindleAdvantage === undefined ? '' : `  spindle ${r.spindleAdvantage.toFixed(2)}x`;
      out.write(`  ${r.impl.padEnd(28)} ${String(r.value).padStart(14)}${ratio}\n`);
    }
  }
}

/**
 * Groups lines by suite and case and computes, for each peer, how many times better
 * spindle is (value ratio oriented by `better`). The reference is the default
 * configuration, impl `spindle`, when the case measured it, so a faster opt-in variant
 * cannot hide how the default fares; otherwise the best `spindle-<variant>`.
 */
export function ratioTables(lines) {
  const groups = new Map();
  for (const line of lines) {
    const key = `${line.suite}\u0000${line.case}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(line);
  }
  const tables = [];
  for (const group of groups.values()) {
    const { suite, case: name, unit, better } = group[0];
    const spindle = group.filter(isSpindle);
    const reference =
      spindle.find((l) => l.impl === 'spindle') ??
      (spindle.length
        ? spindle.reduce((a, b) => ((better === 'lower' ? b.value < a.value : b.value > a.value) ? b : a))
        : undefined);
    tables.push({
      suite,
      case: name,
      unit,
      better,
      reference: reference?.impl,
      caption: `${unit}, ${better} is better${reference ? `; ratios against ${reference.impl}` : ''}`,
      rows: group.map((l) => ({
        impl: l.impl,
        value: l.value,
        spindleAdvantage:
          reference === undefined || isSpindle(l)
            ? undefined
            : better === 'lower'
              ? l.value / reference.value
              : reference.value / l.value,
      })),
    });
  }
  return tables;
}

function isSpindle(line) {
  return line.impl === 'spindle' || line.impl.startsWith('spindle-');
}
