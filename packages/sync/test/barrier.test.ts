import { BrokenBarrierError, TimeoutError } from '@spindle/core-context';
import { runSeeded } from '@spindle/executor';
import { describe, expect, it } from 'vitest';
import { Barrier } from '../src/index.js';
import { FAULTS, SEEDS, spawnAll } from './helpers/schedule.js';

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

  it('breaks for the others when a waiting fiber is halted', () => {
    runSeeded(
      SEEDS,
      (executor) => {
        const barrier = new Barrier(3);
        const outcomes: unknown[] = [];
        const [victim, ...others] = spawnAll(executor, 2, function* () {
          try {
            yield* barrier.wait();
            outcomes.push('passed');
          } catch (error) {
            outcomes.push(error);
          }
        });
        executor.runAtMost(2);
        victim!.halt();
        executor.drain();
        expect(others[0]!.status).toBe('done');
        expect(outcomes).toHaveLength(1);
        expect(outcomes[0]).toBeInstanceOf(BrokenBarrierError);
      },
      FAULTS,
    );
  });

  it('needs at least one party', () => {
    expect(() => new Barrier(0)).toThrow(RangeError);
    expect(() => new Barrier(1.5)).toThrow(RangeError);
  });
});
