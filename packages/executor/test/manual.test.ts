import {
  AlreadyLinkedError,
  FunctionRunnable,
  InvalidStateError,
  type Runnable,
} from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import { faultPoint, ManualExecutor, runSeeded } from '../src/index.js';
import { logging } from './helpers.js';

describe('ManualExecutor', () => {
  it('runs nothing until asked, then FIFO one at a time', () => {
    const exec = new ManualExecutor();
    const log: string[] = [];
    for (const label of ['a', 'b', 'c']) exec.submit(logging(log, label));
    expect(log).toEqual([]);
    expect(exec.pending).toBe(3);
    expect(exec.runNext()).toBe(true);
    expect(log).toEqual(['a']);
    expect(exec.runAtMost(5)).toBe(2);
    expect(log).toEqual(['a', 'b', 'c']);
    expect(exec.runNext()).toBe(false);
  });

  it('drains work submitted while draining and counts it', () => {
    const exec = new ManualExecutor();
    let left = 10;
    const again: Runnable = new FunctionRunnable(() => {
      if (--left > 0) exec.submit(again);
    });
    exec.submit(again);
    expect(exec.drain()).toBe(10);
    expect(left).toBe(0);
  });

  it('reports a livelock with its seed when drain passes its limit', () => {
    const exec = new ManualExecutor({ seed: 99, random: true });
    const forever: Runnable = new FunctionRunnable(() => exec.submit(forever));
    exec.submit(forever);
    expect(() => exec.drain(100)).toThrow(InvalidStateError);
    expect(() => exec.drain(100)).toThrow(/seed 99/);
  });

  it('refuses a runnable that is already pending', () => {
    for (const random of [false, true]) {
      const exec = new ManualExecutor({ random });
      const r = new FunctionRunnable(() => {});
      exec.submit(r);
      expect(() => exec.submit(r)).toThrow(AlreadyLinkedError);
      exec.drain();
      exec.submit(r);
      expect(exec.pending).toBe(1);
    }
  });

  it('replays the same random order for the same seed, and orders differ across seeds', () => {
    const order = (seed: number) => {
      const exec = new ManualExecutor({ seed, random: true });
      const log: string[] = [];
      for (let i = 0; i < 12; i++) exec.submit(logging(log, String(i)));
      exec.drain();
      return log.join(',');
    };
    expect(order(5)).toBe(order(5));
    const orders = new Set([1, 2, 3, 4, 5, 6].map(order));
    expect(orders.size).toBeGreaterThan(1);
    expect(order(5).split(',').sort()).toEqual(Array.from({ length: 12 }, (_, i) => String(i)).sort());
  });

  it('answers faultPoint only while a faulting executor runs, deterministically per seed', () => {
    expect(faultPoint('outside')).toBe(false);
    const decisions = (seed: number) => {
      const exec = new ManualExecutor({ seed, faults: { yieldProbability: 0.5 } });
      const seen: boolean[] = [];
      for (let i = 0; i < 32; i++) exec.submit(new FunctionRunnable(() => seen.push(faultPoint('test'))));
      exec.drain();
      return seen;
    };
    const a = decisions(3);
    expect(a).toEqual(decisions(3));
    expect(a).toContain(true);
    expect(a).toContain(false);
    const quiet = new ManualExecutor();
    const seen: boolean[] = [];
    quiet.submit(new FunctionRunnable(() => seen.push(faultPoint())));
    quiet.drain();
    expect(seen).toEqual([false]);
    expect(faultPoint('outside again')).toBe(false);
  });

  it('rejects bad arguments at the call', () => {
    expect(() => new ManualExecutor({ faults: { yieldProbability: 2 } })).toThrow(RangeError);
    expect(() => new ManualExecutor().runAtMost(-1)).toThrow(RangeError);
    expect(() => new ManualExecutor().drain(1.5)).toThrow(RangeError);
  });
});

/**
 * An interleaving test of the kind other packages write: two "threads" increment a shared
 * counter with a read, a possible yield, and a write. A check-then-act bug shows up only
 * under some schedules; the seeded executor finds one and names its seed.
 */
describe('seeded interleavings', () => {
  /** Runs the two threads; returns the final counter and how many extra yields faults injected. */
  function racyIncrements(exec: ManualExecutor, guarded: boolean): { counter: number; faults: number } {
    let counter = 0;
    let faults = 0;
    let locked = false;
    const worker = (steps: number) => {
      let phase = 0;
      let read = 0;
      const self: Runnable = new FunctionRunnable(() => {
        if (phase === 0) {
          if (guarded && locked) return exec.submit(self);
          if (guarded) locked = true;
          read = counter;
          phase = 1;
          return exec.submit(self);
        }
        // A fault point between read and write widens the race window by extra yields.
        if (faultPoint('between read and write')) {
          faults++;
          return exec.submit(self);
        }
        counter = read + 1;
        if (guarded) locked = false;
        phase = 0;
        if (--steps > 0) exec.submit(self);
      });
      exec.submit(self);
    };
    worker(5);
    worker(5);
    exec.drain(10_000);
    return { counter, faults };
  }

  it('finds the lost update of an unguarded counter and prints the failing seed', () => {
    expect(() =>
      runSeeded(20, (exec) => {
        expect(racyIncrements(exec, false).counter).toBe(10);
      }),
    ).toThrow(/seed \d+ \(replay with SPINDLE_SEED=\d+\)/);
  });

  it('never loses an update of the guarded counter, across 200 seeds with faults', () => {
    let faults = 0;
    runSeeded(
      200,
      (exec) => {
        const run = racyIncrements(exec, true);
        expect(run.counter).toBe(10);
        faults += run.faults;
      },
      { faults: true },
    );
    expect(faults, 'the fault points never injected a yield').toBeGreaterThan(100);
  });

  it('supports async bodies and labels their failures with the seed', async () => {
    const seen: number[] = [];
    await runSeeded([4, 8], async (_exec, seed) => {
      await Promise.resolve();
      seen.push(seed);
    });
    expect(seen).toEqual([4, 8]);
    await expect(
      runSeeded([11], async () => {
        throw new Error('late');
      }),
    ).rejects.toThrow('seed 11 (replay with SPINDLE_SEED=11): late');
  });
});
