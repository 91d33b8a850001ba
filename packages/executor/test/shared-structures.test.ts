import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { SharedDeque } from '../dist/pool/protocol/deque.js';
import { SharedRing } from '../dist/pool/protocol/ring.js';

const ITEMS = Number(process.env.SPINDLE_STRESS_ITEMS ?? 1_000_000);
const RACERS = 3;
const SEED = Number(process.env.SPINDLE_SEED ?? 7);
/** The racers give up after this long, so a lost item fails the test instead of hanging it. */
const DEADLINE_MS = 20_000;

describe('SharedDeque and SharedRing in one thread', () => {
  it('deque: owner pops LIFO, thieves steal FIFO, full and empty are reported', () => {
    const deque = new SharedDeque(new Int32Array(new SharedArrayBuffer(4 * SharedDeque.ints(4))), 0, 4);
    expect(deque.pop()).toBe(-1);
    for (const v of [1, 2, 3, 4]) expect(deque.push(v)).toBe(true);
    expect(deque.push(5)).toBe(false);
    expect(deque.steal()).toBe(1);
    expect(deque.pop()).toBe(4);
    expect(deque.size).toBe(2);
    expect([deque.pop(), deque.pop(), deque.pop(), deque.steal()]).toEqual([3, 2, -1, -1]);
  });

  it('ring: FIFO across wrap-around, full and empty are reported', () => {
    const words = new Int32Array(new SharedArrayBuffer(4 * SharedRing.ints(4)));
    const ring = new SharedRing(words, 0, 4);
    ring.initialize();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 4; i++) expect(ring.push(round * 10 + i)).toBe(true);
      expect(ring.push(99)).toBe(false);
      for (let i = 0; i < 4; i++) expect(ring.shift()).toBe(round * 10 + i);
      expect(ring.shift()).toBe(-1);
    }
    expect(() => new SharedRing(words, 0, 3)).toThrow(RangeError);
  });
});

describe('SharedDeque and SharedRing across worker threads', () => {
  it(`delivers each of ${ITEMS} items exactly once with push, pop, steal and shift racing (seed ${SEED})`, async () => {
    const ringCapacity = 1024;
    const dequeCapacity = 256;
    const dequeInts = SharedDeque.ints(dequeCapacity);
    const layout = {
      ringBase: 4,
      ringCapacity,
      dequeBase: 4 + SharedRing.ints(ringCapacity),
      dequeInts,
      dequeCapacity,
    };
    const words = new Int32Array(new SharedArrayBuffer(4 * (layout.dequeBase + RACERS * dequeInts)));
    new SharedRing(words, layout.ringBase, ringCapacity).initialize();
    const seen = new Int32Array(new SharedArrayBuffer(4 * ITEMS));
    const racers = Array.from(
      { length: RACERS },
      (_, index) =>
        new Worker(new URL('./fixtures/stress-worker.mjs', import.meta.url), {
          workerData: {
            words,
            seen,
            index,
            racers: RACERS,
            total: ITEMS,
            layout,
            seed: SEED,
            deadline: Date.now() + DEADLINE_MS,
          },
        }),
    );
    await Promise.all(
      racers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('error', reject);
            w.once('exit', (code) =>
              code === 0 ? resolve() : reject(new Error(`racer exited with ${code}`)),
            );
          }),
      ),
    );
    const wrong: string[] = [];
    for (let item = 0; item < ITEMS && wrong.length < 5; item++) {
      if (seen[item] !== 1) wrong.push(`item ${item} delivered ${seen[item]} times`);
    }
    const replay = `seed ${SEED} (replay with SPINDLE_SEED=${SEED})`;
    expect(words[0], `items consumed within ${DEADLINE_MS} ms, ${replay}`).toBe(ITEMS);
    expect(wrong, replay).toEqual([]);
  });
});
