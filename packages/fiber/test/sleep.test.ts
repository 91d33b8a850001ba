import { ManualExecutor } from '@spindle/executor';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pendingSleeps, sleep, spawnWith } from '../src/index.js';

describe('sleep', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('wakes sleepers in deadline order with at most one Node timer', async () => {
    const exec = new ManualExecutor();
    const woke: string[] = [];
    let maxTimers = 0;
    for (const [name, ms] of [
      ['c', 30],
      ['a', 10],
      ['d', 30],
      ['b', 20],
      ['e', 0],
    ] as const) {
      spawnWith({ executor: exec, name }, function* () {
        yield* sleep(ms);
        woke.push(name);
      });
    }
    exec.drain();
    expect(pendingSleeps()).toBe(5);
    for (let t = 0; t < 40; t++) {
      maxTimers = Math.max(maxTimers, vi.getTimerCount());
      await vi.advanceTimersByTimeAsync(1);
      exec.drain();
    }
    expect(woke).toEqual(['e', 'a', 'b', 'c', 'd']);
    expect(maxTimers).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('re-arms the timer for an earlier sleeper and removes a halted sleeper', async () => {
    const exec = new ManualExecutor();
    const woke: string[] = [];
    const long = spawnWith({ executor: exec }, function* () {
      yield* sleep(1000);
      woke.push('long');
    });
    exec.drain();
    spawnWith({ executor: exec }, function* () {
      yield* sleep(5);
      woke.push('short');
    });
    exec.drain();
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(5);
    exec.drain();
    expect(woke).toEqual(['short']);
    long.halt();
    expect(pendingSleeps()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    exec.drain();
    expect(long.status).toBe('halted');
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

  it('rejects bad durations', () => {
    expect(() => sleep(-1)).toThrow(RangeError);
    expect(() => sleep(Number.NaN)).toThrow(RangeError);
    expect(() => sleep(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => sleep('5' as never)).toThrow(RangeError);
  });
});
