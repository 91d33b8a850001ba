import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidStateError, pendingSleeps, Select, select, sleep } from '../src/index.js';
import { ManualExecutor } from './support/inline-executor.js';
import { TinyFiber } from './support/tiny-fiber.js';

describe('sleep', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('wakes sleepers in deadline order (first-in first-out on ties) with at most one Node timer', async () => {
    const executor = new ManualExecutor();
    const woke: string[] = [];
    let maxTimers = 0;
    for (const [name, ms] of [
      ['c', 30],
      ['a', 10],
      ['d', 30],
      ['b', 20],
      ['e', 0],
    ] as const) {
      new TinyFiber(executor, function* () {
        yield* sleep(ms);
        woke.push(name);
      }).start();
    }
    executor.runAll();
    expect(pendingSleeps()).toBe(5);
    for (let t = 0; t < 40; t++) {
      maxTimers = Math.max(maxTimers, vi.getTimerCount());
      await vi.advanceTimersByTimeAsync(1);
      executor.runAll();
    }
    expect(woke).toEqual(['e', 'a', 'b', 'c', 'd']);
    expect(maxTimers).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(pendingSleeps()).toBe(0);
  });

  it('works from async code', async () => {
    let done = false;
    const pending = sleep(50).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(49);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await pending;
    expect(done).toBe(true);
  });

  it('each wait on one Sleep is a new wait: two at once both end, one after another sleeps twice', async () => {
    const nap = sleep(5);
    const ended: number[] = [];
    const first = nap.then(() => ended.push(Date.now()));
    await vi.advanceTimersByTimeAsync(2);
    const second = nap.then(() => ended.push(Date.now()));
    expect(pendingSleeps()).toBe(2);
    await vi.advanceTimersByTimeAsync(5);
    await Promise.all([first, second]);
    expect(ended[1]! - ended[0]!).toBe(2);
    const start = Date.now();
    const again = nap.then(() => Date.now() - start);
    await vi.advanceTimersByTimeAsync(5);
    expect(await again).toBe(5);
    expect(pendingSleeps()).toBe(0);
  });

  it('a withdrawn wait leaves the heap (a losing select case leaves no trace)', async () => {
    const executor = new ManualExecutor();
    const fiber = new TinyFiber(executor, function* () {
      return yield* select([sleep(1000), sleep(10)]);
    }).start();
    executor.runAll();
    expect(pendingSleeps()).toBe(2);
    await vi.advanceTimersByTimeAsync(10);
    executor.runAll();
    expect(fiber.result).toEqual({ index: 1, value: undefined });
    expect(pendingSleeps()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a Select with a sleep case, waited in a loop, re-arms the same sleep every round', async () => {
    const executor = new ManualExecutor();
    const ticks: number[] = [];
    const sel = new Select([sleep(10)]);
    const fiber = new TinyFiber(executor, function* () {
      for (let i = 0; i < 3; i++) {
        yield* sel;
        ticks.push(Date.now());
      }
    }).start();
    executor.runAll();
    for (let t = 0; t < 30; t++) {
      await vi.advanceTimersByTimeAsync(1);
      executor.runAll();
    }
    expect(fiber.status).toBe('done');
    expect(ticks.map((t) => t - ticks[0]!)).toEqual([0, 10, 20]);
  });

  it('refuses the same waiter twice at once', () => {
    const nap = sleep(5);
    const executor = new ManualExecutor();
    const fiber = new TinyFiber(executor, function* () {
      yield* nap;
    }).start();
    executor.runAll();
    expect(() => nap.park(fiber as never)).toThrow(InvalidStateError);
    fiber.halt();
    expect(pendingSleeps()).toBe(0);
  });

  it('rejects bad durations', () => {
    expect(() => sleep(-1)).toThrow(RangeError);
    expect(() => sleep(Number.NaN)).toThrow(RangeError);
    expect(() => sleep(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => sleep('5' as never)).toThrow(RangeError);
  });
});
