import { NotHeldError } from '@spindle/core-context';
import { runSeeded } from '@spindle/executor';
import { describe, expect, it } from 'vitest';
import { Semaphore } from '../src/index.js';
import { FAULTS, HALT_SEEDS, haltAtEveryStep, SEEDS, spawnAll } from './helpers/schedule.js';

describe('Semaphore', () => {
  it('never lets more than its permits in, with weighted requests, under seeded interleavings', () => {
    runSeeded(
      SEEDS,
      (executor) => {
        const semaphore = new Semaphore(3);
        let held = 0;
        let peak = 0;
        const all = spawnAll(executor, 6, function* (i) {
          const weight = (i % 3) + 1;
          for (let round = 0; round < 8; round++) {
            yield* semaphore.acquire(weight);
            held += weight;
            peak = Math.max(peak, held);
            yield;
            held -= weight;
            semaphore.release(weight);
          }
        });
        executor.drain();
        expect(all.every((f) => f.status === 'done')).toBe(true);
        expect(peak).toBeLessThanOrEqual(3);
        expect(semaphore.available).toBe(3);
      },
      FAULTS,
    );
  });

  it('serves a large request at the head before smaller ones behind it', async () => {
    const semaphore = new Semaphore(3);
    await semaphore.acquire(2);
    const order: string[] = [];
    const big = semaphore.acquire(3).then(() => order.push('big'));
    expect(semaphore.tryAcquire(1)).toBe(false);
    const small = semaphore.acquire(1).then(() => order.push('small'));
    semaphore.release(2);
    await big;
    semaphore.release(3);
    await small;
    expect(order).toEqual(['big', 'small']);
  });

  it('lets smaller requests through when the large one at the head is aborted', async () => {
    const semaphore = new Semaphore(2);
    await semaphore.acquire(1);
    const controller = new AbortController();
    const big = semaphore.acquire(2, { signal: controller.signal });
    const small = semaphore.acquire(1);
    controller.abort();
    await expect(big).rejects.toMatchObject({ code: 'ERR_SPINDLE_CANCELLED' });
    await small;
    expect(semaphore.available).toBe(0);
  });

  it('gives permits back when a waiter is halted at any point', () => {
    haltAtEveryStep(HALT_SEEDS, (executor) => {
      const semaphore = new Semaphore(2);
      const [victim, ...others] = spawnAll(executor, 4, function* (i) {
        const weight = i === 0 ? 2 : 1;
        yield* semaphore.acquire(weight);
        try {
          yield;
        } finally {
          semaphore.release(weight);
        }
      });
      return {
        victim: victim!,
        others,
        check() {
          expect(semaphore.available).toBe(2);
        },
      };
    });
  });

  it('rejects bad counts: NotHeldError past the capacity, RangeError for impossible requests', () => {
    const semaphore = new Semaphore(2);
    expect(() => semaphore.release()).toThrow(NotHeldError);
    expect(() => semaphore.acquire(3)).toThrow(RangeError);
    expect(() => semaphore.acquire(0)).toThrow(RangeError);
    expect(() => new Semaphore(-1)).toThrow(RangeError);
  });

  it('starts with no permits below a larger capacity, and rejects capacities it could not use', async () => {
    const semaphore = new Semaphore({ permits: 0, capacity: 3 });
    expect([semaphore.available, semaphore.capacity]).toEqual([0, 3]);
    const order: string[] = [];
    const two = semaphore.acquire(2).then(() => order.push('two'));
    semaphore.release();
    semaphore.release();
    await two;
    semaphore.release();
    expect(() => semaphore.release(3)).toThrow(NotHeldError);
    expect(order).toEqual(['two']);
    expect(semaphore.available).toBe(1);
    expect(() => new Semaphore(0)).toThrow(/capacity: n/);
    expect(() => new Semaphore({ permits: 0, capacity: 0 })).toThrow(RangeError);
    expect(() => new Semaphore({ permits: 3, capacity: 2 })).toThrow(RangeError);
    expect(() => new Semaphore({ permits: 1, capacity: 1.5 })).toThrow(RangeError);
  });
});
