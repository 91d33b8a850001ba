import { BrokenBarrierError, TimeoutError } from '@spindle/core-context';
import { ManualExecutor, runSeeded } from '@spindle/executor';
import { describe, expect, it } from 'vitest';
import { Barrier } from '../src/index.js';
import { FAULTS, HALT_SEEDS, haltAtEveryStep, SEEDS, spawnAll } from './helpers/schedule.js';

describe('Barrier', () => {
  it('lines generations up, with exactly one leader each, under seeded interleavings', () => {
    runSeeded(
      SEEDS,
      (executor) => {
        const barrier = new Barrier(4);
        const phaseOf = [0, 0, 0, 0];
        let leaders = 0;
        const all = spawnAll(executor, 4, function* (i) {
          for (let phase = 0; phase < 5; phase++) {
            phaseOf[i] = phase;
            if (i === phase % 4) yield;
            if (yield* barrier.wait()) leaders++;
            expect(Math.min(...phaseOf)).toBeGreaterThanOrEqual(phase);
          }
        });
        executor.drain();
        expect(all.every((f) => f.status === 'done')).toBe(true);
        expect(leaders).toBe(5);
        expect(barrier.generation).toBe(5);
      },
      FAULTS,
    );
  });

  it('is broken by a party that times out, then starts a fresh generation', async () => {
    const barrier = new Barrier(3);
    const other = barrier.wait();
    const otherOutcome = other.then(
      () => 'passed',
      (error: unknown) => error,
    );
    await expect(barrier.wait({ timeout: 5 })).rejects.toBeInstanceOf(TimeoutError);
    expect(await otherOutcome).toBeInstanceOf(BrokenBarrierError);
    expect(barrier.arrived).toBe(0);
    const results = await Promise.all([barrier.wait(), barrier.wait(), barrier.wait()]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('breaks for the others when a party is halted at any point, then works again', () => {
    haltAtEveryStep(HALT_SEEDS, (executor) => {
      const barrier = new Barrier(3);
      const outcomes: unknown[] = [];
      let victimArrived = false;
      const [victim, ...parties] = spawnAll(executor, 3, function* (i) {
        if (i === 0) {
          yield;
          victimArrived = true;
        }
        try {
          outcomes.push((yield* barrier.wait()) ? 'leader' : 'passed');
        } catch (error) {
          outcomes.push(error);
        }
      });
      // A victim halted before it arrives never breaks the generation: this one arrives instead.
      const standIn = spawnAll(executor, 1, function* () {
        while (victim!.status !== 'halted' && victim!.status !== 'done') yield;
        if (!victimArrived) outcomes.push((yield* barrier.wait()) ? 'leader' : 'passed');
      });
      return {
        victim: victim!,
        others: [...parties, ...standIn],
        check(victimFinished) {
          const passed = outcomes.filter((outcome) => outcome === 'passed' || outcome === 'leader');
          const leaders = outcomes.filter((outcome) => outcome === 'leader').length;
          if (passed.length > 0) {
            // Released before the halt took effect (a victim halted after its wake loses its result).
            expect(passed.length).toBe(outcomes.length);
            expect(passed.length).toBeGreaterThanOrEqual(2);
            expect(leaders).toBeLessThanOrEqual(1);
            if (passed.length === 3) expect(leaders).toBe(1);
          } else {
            expect(victimFinished).toBe(false);
            expect(outcomes).toHaveLength(2);
            for (const outcome of outcomes) expect(outcome).toBeInstanceOf(BrokenBarrierError);
          }
          expect(barrier.arrived).toBe(0);
          reuse(barrier);
        },
      };
    });
  });

  it('needs at least one party', () => {
    expect(() => new Barrier(0)).toThrow(RangeError);
    expect(() => new Barrier(1.5)).toThrow(RangeError);
  });
});

/** A barrier left by a broken generation serves a full one: three parties, one leader. */
function reuse(barrier: Barrier): void {
  const executor = new ManualExecutor();
  const leaders: boolean[] = [];
  spawnAll(executor, barrier.parties, function* () {
    leaders.push(yield* barrier.wait());
  });
  executor.drain();
  expect(leaders.sort()).toEqual([false, false, true]);
}
