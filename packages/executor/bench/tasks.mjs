// Task functions every pool in the benchmark runs (one argument each, the common denominator).
import { fork, join } from '../dist/pool/index.js';

export function addOne(x) {
  return x + 1;
}

/** Busy-waits `ms` milliseconds of CPU. */
export function spin(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x++;
  return x;
}

export function fibSequential(n) {
  return n < 2 ? n : fibSequential(n - 1) + fibSequential(n - 2);
}

export function fibParallel(n, cutoff) {
  if (n <= cutoff) return fibSequential(n);
  const left = fork(fibParallel, n - 1, cutoff);
  const right = fibParallel(n - 2, cutoff);
  return join(left) + right;
}

function merge(from, to, lo, mid, hi) {
  let i = lo;
  let j = mid;
  let k = lo;
  while (i < mid && j < hi) to[k++] = from[i] <= from[j] ? from[i++] : from[j++];
  while (i < mid) to[k++] = from[i++];
  while (j < hi) to[k++] = from[j++];
}

/**
 * Sorts data[lo, hi) using scratch; leaves of `cutoff` items use the native sort. With
 * `parallel`, the left half is forked onto this worker's deque for others to steal.
 */
export function mergeSort(data, scratch, lo, hi, cutoff, parallel) {
  if (hi - lo <= cutoff) {
    data.subarray(lo, hi).sort();
    return 0;
  }
  const mid = (lo + hi) >>> 1;
  if (parallel) {
    const left = fork(mergeSort, data, scratch, lo, mid, cutoff, parallel);
    mergeSort(data, scratch, mid, hi, cutoff, parallel);
    join(left);
  } else {
    mergeSort(data, scratch, lo, mid, cutoff, parallel);
    mergeSort(data, scratch, mid, hi, cutoff, parallel);
  }
  merge(data, scratch, lo, mid, hi);
  data.set(scratch.subarray(lo, hi), lo);
  return 0;
}
