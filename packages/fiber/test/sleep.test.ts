import { ManualExecutor } from '@spindle/executor';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pendingSleeps, sleep, spawnWith } from '../src/index.js';

// Sleep itself is tested in core-context (test/sleep.test.ts); here: sleeping fibers.
describe('sleep in fibers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
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
});
