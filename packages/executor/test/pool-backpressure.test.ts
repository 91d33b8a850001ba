import { createRandom } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import { Backpressure } from '../src/pool/main-thread/backpressure.js';
import type { PendingTasks } from '../src/pool/main-thread/pending.js';

/** A pool of 1 worker and maxQueue 1 (2 places), both taken, with `submit()` as ThreadPool waits. */
function fullPool() {
  const pending = { count: 2 };
  const room = new Backpressure(pending as unknown as PendingTasks, 1, 1);
  const admitted: number[] = [];
  let parks = 0;
  const submit = async (id: number) => {
    if (!room.isFull()) {
      pending.count++;
      admitted.push(id);
      return;
    }
    do {
      parks++;
      await room.waitForRoom(undefined);
      room.resumed();
    } while (room.isFull());
    pending.count++;
    admitted.push(id);
  };
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
  return { pending, room, admitted, parks: () => parks, submit, flush };
}

describe('Backpressure', () => {
  it('wakes one waiting submit() per free place, not every waiter', async () => {
    const pool = fullPool();
    for (let id = 0; id < 8; id++) void pool.submit(id);
    expect(pool.parks()).toBe(8);
    pool.pending.count--; // one task completes
    pool.room.wake();
    await pool.flush();
    expect(pool.admitted).toEqual([0]);
    expect(pool.parks(), 'woken waiters that parked again').toBe(8);
    pool.pending.count -= 2; // two more complete
    pool.room.wake();
    await pool.flush();
    expect(pool.admitted).toEqual([0, 1, 2]);
    expect(pool.parks()).toBe(8);
  });

  it('keeps a place it woke a waiter for, so a later submit() cannot take it first', async () => {
    const pool = fullPool();
    void pool.submit(0);
    pool.pending.count--;
    pool.room.wake();
    void pool.submit(1); // arrives before the woken waiter resumes
    await pool.flush();
    expect(pool.admitted).toEqual([0]);
    pool.pending.count--;
    pool.room.wake();
    await pool.flush();
    expect(pool.admitted).toEqual([0, 1]);
  });

  it('lets thousands of waiting submit() calls abort in any order, and admits the rest in FIFO order', async () => {
    const pending = { count: 2 };
    const room = new Backpressure(pending as unknown as PendingTasks, 1, 1);
    const random = createRandom(14);
    const controllers: AbortController[] = [];
    const settled: Promise<string>[] = [];
    const order: number[] = [];
    for (let id = 0; id < 20_000; id++) {
      const controller = new AbortController();
      controllers.push(controller);
      settled.push(
        room.waitForRoom(controller.signal).then(
          () => {
            room.resumed();
            order.push(id);
            return `admitted ${id}`;
          },
          (error: unknown) => `${(error as Error).name} ${id}`,
        ),
      );
    }
    const aborted = new Set<number>();
    while (aborted.size < 6_000) aborted.add(Math.floor(random() * 20_000));
    for (const id of aborted) controllers[id]!.abort();
    // Every waiter still waiting gets its place, one free place at a time, in submit order.
    for (let left = 20_000 - aborted.size; left > 0; left--) {
      pending.count--;
      room.wake();
      await new Promise<void>((resolve) => setImmediate(resolve));
      pending.count++;
    }
    for (const [id, outcome] of (await Promise.all(settled)).entries()) {
      expect(outcome).toBe(aborted.has(id) ? `Cancelled ${id}` : `admitted ${id}`);
    }
    expect(order).toEqual([...Array(20_000).keys()].filter((id) => !aborted.has(id)));
  });

  it('wakes every waiter once closed', async () => {
    const pool = fullPool();
    const woken: number[] = [];
    for (let id = 0; id < 4; id++) void pool.room.waitForRoom(undefined).then(() => woken.push(id));
    pool.room.close();
    await pool.flush();
    expect(woken).toEqual([0, 1, 2, 3]);
  });
});
