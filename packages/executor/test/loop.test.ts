import { FunctionRunnable, type Runnable } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import { LoopExecutor, loopExecutor } from '../src/index.js';
import { logging } from './helpers.js';

/** Resolves once `exec` has nothing pending (polled from timers, which also proves they run). */
function idle(exec: LoopExecutor): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (exec.pending === 0 ? resolve() : setTimeout(poll, 1));
    poll();
  });
}

describe('LoopExecutor', () => {
  it('runs runnables later, in FIFO order, including ones submitted from a run', async () => {
    const exec = new LoopExecutor();
    const log: string[] = [];
    exec.submit(logging(log, 'a'));
    exec.submit(new FunctionRunnable(() => exec.submit(logging(log, 'c'))));
    exec.submit(logging(log, 'b'));
    expect(log).toEqual([]);
    await idle(exec);
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['a', 'b', 'c']);
  });

  it('lets timers and I/O run between batches of an endless stream of runnables', async () => {
    const exec = new LoopExecutor({ batch: 100 });
    let runs = 0;
    let stop = false;
    const spin: Runnable = new FunctionRunnable(() => {
      runs++;
      if (!stop) exec.submit(spin);
    });
    exec.submit(spin);
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
    const runsWhenTimerFired = runs;
    await new Promise<void>((resolve) => setImmediate(resolve));
    stop = true;
    await idle(exec);
    expect(runsWhenTimerFired).toBeGreaterThan(0);
    expect(runs).toBeGreaterThan(runsWhenTimerFired);
  });

  it('stops a batch at its count and continues in the next turn', async () => {
    const exec = new LoopExecutor({ batch: 3 });
    const log: string[] = [];
    for (let i = 0; i < 7; i++) exec.submit(logging(log, String(i)));
    const turns: number[] = [];
    await new Promise<void>((resolve) => {
      const watch = () => {
        turns.push(log.length);
        if (log.length === 7) resolve();
        else setImmediate(watch);
      };
      setImmediate(watch);
    });
    expect(turns.slice(0, 3)).toEqual([3, 6, 7]);
  });

  it('hands a thrown error to onError and keeps going', async () => {
    const errors: unknown[] = [];
    const exec = new LoopExecutor({ onError: (error) => errors.push(error) });
    const log: string[] = [];
    exec.submit(
      new FunctionRunnable(() => {
        throw new Error('runnable failed');
      }),
    );
    exec.submit(logging(log, 'after'));
    await idle(exec);
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['after']);
    expect((errors[0] as Error).message).toBe('runnable failed');
  });

  it('exports a shared default and rejects bad options', async () => {
    const log: string[] = [];
    loopExecutor.submit(logging(log, 'shared'));
    await idle(loopExecutor);
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['shared']);
    expect(() => new LoopExecutor({ budgetMs: 0 })).toThrow(RangeError);
    expect(() => new LoopExecutor({ batch: 0.5 })).toThrow(RangeError);
    expect(() => new LoopExecutor({ onError: 5 as never })).toThrow(TypeError);
  });
});
