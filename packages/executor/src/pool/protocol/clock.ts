import { performance } from 'node:perf_hooks';

/** Absolute time in ms, comparable across the pool's threads (the slot times use it). */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
