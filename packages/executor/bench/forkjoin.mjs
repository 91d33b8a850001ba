// Case 4: nested fork-join inside workers against the same code run sequentially.
import { performance } from 'node:perf_hooks';
import { emit, median } from '@spindle/bench-kit';
import { ThreadPool } from '../dist/pool/index.js';
import { fibSequential, mergeSort } from './tasks.mjs';

const TASKS = new URL('./tasks.mjs', import.meta.url);

async function timed(body) {
  const start = performance.now();
  await body();
  return performance.now() - start;
}

function randomInts(count) {
  const data = new Int32Array(new SharedArrayBuffer(count * 4));
  let x = 12345;
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    data[i] = x;
  }
  return data;
}

export async function forkJoin({ quick, suite }) {
  // Runs of tens of ms swing with JIT tiers and the neighbours' load: warm each side up
  // once and take the median of many runs, so the speedup compares like with like.
  const runs = quick ? 3 : 11;
  const n = quick ? 30 : 32;
  const cutoff = n - 9;
  const seqFib = [];
  fibSequential(n);
  for (let r = 0; r < runs; r++) seqFib.push(await timed(() => fibSequential(n)));
  const items = quick ? 1_000_000 : 4_000_000;
  const sortCutoff = items >> 6;
  const source = randomInts(items);
  const scratch = new Int32Array(new SharedArrayBuffer(items * 4));
  const data = new Int32Array(new SharedArrayBuffer(items * 4));
  const seqSort = [];
  data.set(source);
  mergeSort(data, scratch, 0, items, sortCutoff, false);
  for (let r = 0; r < runs; r++) {
    data.set(source);
    seqSort.push(await timed(() => mergeSort(data, scratch, 0, items, sortCutoff, false)));
  }
  const fibMs = median(seqFib);
  const sortMs = median(seqSort);
  emit({
    suite,
    case: 'fib-fork-join',
    impl: 'sequential',
    value: fibMs,
    unit: 'ms',
    better: 'lower',
    n, // fib's argument
  });
  emit({
    suite,
    case: 'merge-sort',
    impl: 'sequential',
    value: sortMs,
    unit: 'ms',
    better: 'lower',
    n: items,
  });
  const speedups = {};
  for (const mode of ['stealing', 'global']) {
    const impl = `spindle-${mode}`;
    const pool = new ThreadPool({ workers: 2, mode });
    await pool.ready();
    const fib = pool.task(TASKS, 'fibParallel');
    const sort = pool.task(TASKS, 'mergeSort');
    if ((await pool.run(fib, [n - 4, cutoff - 4])) !== fibSequential(n - 4)) throw new Error('fib mismatch');
    const fibSamples = [];
    for (let r = 0; r < runs; r++) fibSamples.push(await timed(() => pool.run(fib, [n, cutoff])));
    const sortSamples = [];
    for (let r = 0; r < runs; r++) {
      data.set(source);
      sortSamples.push(await timed(() => pool.run(sort, [data, scratch, 0, items, sortCutoff, true])));
    }
    for (let i = 1; i < items; i++)
      if (data[i - 1] > data[i]) throw new Error(`${impl} merge sort left data unsorted`);
    const fibPar = median(fibSamples);
    const sortPar = median(sortSamples);
    emit({ suite, case: 'fib-fork-join', impl, value: fibPar, unit: 'ms', better: 'lower', n });
    emit({
      suite,
      case: 'fib-fork-join-speedup',
      impl,
      value: fibMs / fibPar,
      unit: 'x',
      better: 'higher',
      n,
    });
    emit({ suite, case: 'merge-sort', impl, value: sortPar, unit: 'ms', better: 'lower', n: items });
    emit({
      suite,
      case: 'merge-sort-speedup',
      impl,
      value: sortMs / sortPar,
      unit: 'x',
      better: 'higher',
      n: items,
    });
    speedups[impl] = { fib: fibMs / fibPar, sort: sortMs / sortPar };
    await pool.close();
  }
  return speedups;
}
