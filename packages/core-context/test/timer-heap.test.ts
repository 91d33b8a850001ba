import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CancelCallback, CancelSource, Deferred, Select, Sleep, sleep } from '../src/index.js';
import { type TimerEntry as Entry, TimerHeap } from '../src/timers/timer-heap.js';
import { seededRandom, testSeeds } from './support/seeded.js';

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
      const heap = new TimerHeap();
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

describe('the shared timer heap survives bad entries', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('an expire that throws neither stops the entries due with it nor later ones', () => {
    const heap = new TimerHeap();
    const fired: number[] = [];
    heap.add({
      deadline: 5,
      seq: 0,
      index: -1,
      expire: () => {
        throw new Error('boom');
      },
    });
    heap.add(entry(5, 1, fired));
    heap.add(entry(20, 2, fired));
    expect(() => vi.advanceTimersByTime(5)).toThrow('boom');
    expect(fired).toEqual([1]);
    vi.advanceTimersByTime(15);
    expect(fired).toEqual([1, 2]);
  });

  it('a cancel listener that throws on a deadline does not stop a pending sleep', async () => {
    const source = new CancelSource(null, { timeout: 5 });
    source.token.listen(
      new CancelCallback(() => {
        throw new Error('listener failed');
      }),
    );
    let woke = false;
    sleep(20).then(() => {
      woke = true;
    });
    expect(() => vi.advanceTimersByTime(5)).toThrow('listener failed');
    await vi.advanceTimersByTimeAsync(15);
    expect(woke).toBe(true);
  });

  it('a Sleep refuses a duration that is not a finite number >= 0, at the call', () => {
    for (const ms of [Number.NaN, -5, Number.POSITIVE_INFINITY, '5', null, undefined]) {
      expect(() => new Sleep(ms as number), String(ms)).toThrow(RangeError);
    }
  });

  it('never hands Node a delay past 2^31-1 ms; a long sleep still ends on time', async () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    let woke = false;
    sleep(3e9).then(() => {
      woke = true;
    });
    const cancelled = new CancelSource(null, { timeout: 3e9 });
    for (const call of spy.mock.calls) expect(call[1]).toBeLessThanOrEqual(0x7fffffff);
    await vi.advanceTimersByTimeAsync(0x7fffffff);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(3e9 - 0x7fffffff);
    expect(woke).toBe(true);
    expect(cancelled.token.cancelled).toBe(true);
    for (const call of spy.mock.calls) expect(call[1]).toBeLessThanOrEqual(0x7fffffff);
    spy.mockRestore();
  });

  it('a select loop with a sleep case makes one Node timer, not one per round, while anything else waits', async () => {
    const later = new CancelSource(null, { timeout: 60_000 }); // another deadline on the thread
    const setSpy = vi.spyOn(globalThis, 'setTimeout');
    const clearSpy = vi.spyOn(globalThis, 'clearTimeout');
    const value = new Deferred<number>();
    value.resolve(1);
    const sel = new Select([sleep(1000), value], { random: () => 0.999_999 });
    for (let i = 0; i < 100; i++) expect((await sel).index).toBe(1);
    expect(setSpy.mock.calls.length).toBeLessThanOrEqual(1);
    expect(clearSpy.mock.calls.length).toBeLessThanOrEqual(1);
    later.dispose();
    expect(vi.getTimerCount()).toBe(0); // nothing waits: no Node timer is left
    setSpy.mockRestore();
    clearSpy.mockRestore();
  });
});
