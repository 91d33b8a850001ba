import { PARK_SEQ } from './layout.js';

/** Wakes up to `count` workers parked on the PARK_SEQ futex word. */
export function wakeWorkers(words: Int32Array, count: number): void {
  Atomics.add(words, PARK_SEQ, 1);
  Atomics.notify(words, PARK_SEQ, count);
}
