import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TimerHeap, type TimerSlots } from '../src/timers/timer-heap.js';
import { seededRandom, testSeeds } from './support/seeded.js';

interface Entry {
  deadline: number;
  seq: number;
  index: number;
  expire(): void;
}

const slots: TimerSlots<Entry> = {
  deadline: (e) => e.deadline,
  seq: (e) => e.seq,
  setSeq: (e, seq) => {
    e.seq = seq;
  },
  index: (e) => e.index,
  setIndex: (e, index) => {
    e.index = index;
  },
  expire: (e) => e.expire(),
};

function entry(deadline: number, name: number, fired: number[]): Entry {
  return { deadline, seq: 0, index: -1, expire: () => fired.push(name) };
}

describe('TimerHeap', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires entries by deadline then arrival, after random removals, on one timer', () => {
    for (const seed of testSeeds(30)) {
      vi.setSystemTime(0);
      const random = seededRandom(seed);
      const heap = new TimerHeap(slots);
      const fired: number[] = [];
      const entries = Array.from({ length: 60 }, (_, i) => entry(Math.floor(random() * 20), i, fired));
      for (const e of entries) heap.add(e);
      const removed = new Set<number>();
      for (let i = 0; i < 20; i++) {
        const victim = Math.floor(random() * entries.length);
        expect(heap.remove(entries[victim]!)).toBe(!removed.has(victim));
        removed.add(victim);
      }
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(25);
      const expected = entries
        .map((e, name) => ({ deadline: e.deadline, name }))
        .filter(({ name }) => !removed.has(name))
        .sort((a, b) => a.deadline - b.deadline || a.name - b.name)
        .map(({ name }) => name);
      expect(fired, `seed ${seed}`).toEqual(expected);
      expect(heap.size).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    }
  });
});
