import { describe, expect, it } from 'vitest';
import { Backpressure } from '../src/pool/main/backpressure.js';
import type { PendingTasks } from '../src/pool/main/pending.js';

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

  it('wakes every waiter once closed', async () => {
    const pool = fullPool();
    const woken: number[] = [];
    for (let id = 0; id < 4; id++) void pool.room.waitForRoom(undefined).then(() => woken.push(id));
    pool.room.close();
    await pool.flush();
    expect(woken).toEqual([0, 1, 2, 3]);
  });
});
