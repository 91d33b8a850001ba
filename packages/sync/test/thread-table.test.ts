import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SharedBarrier, SharedRwLock } from '../dist/index.js';

/** No Linux thread has this id: a sweep finds it gone. */
const DEAD_TID = (1 << 22) - 1;
const SLOT = 3;
const TABLE_THREADS = 32;

/** The first cell of slot `slot` of a table whose INCONSISTENT cell is at `table`. */
const slotAt = (table: number, slot: number) => table + 1 + slot * SLOT;

describe('thread tables', () => {
  // Only /proc shows a thread dead (Linux); elsewhere nothing is swept.
  it.skipIf(!existsSync('/proc/thread-self'))(
    "a sweep clears a dead thread's start time before it frees the id, so a new claimer's id is never paired with it",
    () => {
      const lock = new SharedRwLock();
      const at = slotAt(1, 0);
      lock.view.set([DEAD_TID, 12_345, 0], at);
      (lock as unknown as { sweepDeadHolders(): void }).sweepDeadHolders(); // what a waiter does
      expect(Array.from(lock.view.subarray(at, at + SLOT))).toEqual([0, 0, 0]);
    },
  );

  it('a barrier party whose thread died after its generation passed does not break a later generation of live parties', async () => {
    const barrier = new SharedBarrier(2);
    const table = 3;
    const first = Promise.resolve(barrier.wait());
    await new Promise((resolve) => setImmediate(resolve));
    expect(await barrier.wait()).toBe(true);
    // Generation 0 passed; `first` has not run again yet. A thread that died right here
    // would leave its count: copy this thread's slot to one of a dead thread.
    const own = Array.from({ length: TABLE_THREADS }, (_, slot) => slotAt(table, slot)).find(
      (at) => (barrier.view[at] ?? 0) > 0,
    )!;
    const copy = slotAt(table, TABLE_THREADS - 1);
    barrier.view.set([DEAD_TID, 0, barrier.view[own + 2] ?? 0], copy);
    expect(await first).toBe(false);
    // Generation 1 between live parties, open longer than a check interval.
    const waiting = Promise.resolve(barrier.wait()).then(
      () => 'passed',
      (error: Error) => error.name,
    );
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await barrier.wait({ timeout: 5000 })).toBe(true);
    expect(await waiting).toBe('passed');
  });

  it.skipIf(!existsSync('/proc/thread-self'))(
    'idle async waits on one lock are looked at once per check, not once each',
    async () => {
      const lock = new SharedRwLock();
      lock.tryWriteLock();
      const prototype = SharedRwLock.prototype as unknown as { sweepDeadHolders(): void };
      const sweep = prototype.sweepDeadHolders;
      let sweeps = 0;
      prototype.sweepDeadHolders = function (this: unknown) {
        sweeps++;
        sweep.call(this);
      };
      const waits = Array.from({ length: 500 }, () => Promise.resolve(lock.readLock()));
      try {
        // About three checks (every 100 ms): 1,500 sweeps when each wait looked by itself.
        await new Promise((resolve) => setTimeout(resolve, 350));
      } finally {
        prototype.sweepDeadHolders = sweep;
      }
      expect(sweeps).toBeGreaterThan(0);
      expect(sweeps).toBeLessThanOrEqual(10);
      lock.writeUnlock();
      await Promise.all(waits);
      for (let i = 0; i < waits.length; i++) lock.readUnlock();
    },
  );
});
