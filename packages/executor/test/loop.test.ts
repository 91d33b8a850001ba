import { execFile } from 'node:child_process';
import { stat } from 'node:fs';
import { performance } from 'node:perf_hooks';
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

/** Counts runs per event-loop turn (a watcher re-armed with setImmediate) until `total` have run. */
function runsPerTurn(count: () => number, total: number): Promise<number[]> {
  const perTurn: number[] = [];
  let seen = 0;
  return new Promise((resolve) => {
    const watch = () => {
      const now = count();
      if (now > seen) perTurn.push(now - seen);
      seen = now;
      if (now >= total) resolve(perTurn);
      else setImmediate(watch);
    };
    setImmediate(watch);
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

  it('keeps the time budget when every runnable is slow: a batch overruns by at most one run', async () => {
    const exec = new LoopExecutor({ budgetMs: 5 });
    const starts: number[] = [];
    const slow = () =>
      new FunctionRunnable(() => {
        starts.push(performance.now());
        const until = performance.now() + 2;
        while (performance.now() < until) {}
      });
    for (let i = 0; i < 12; i++) exec.submit(slow());
    const perTurn = await runsPerTurn(() => starts.length, 12);
    // 2 ms runs, 5 ms budget: the third run ends past the budget, so no batch runs a fourth.
    expect(Math.max(...perTurn), `runs per turn: ${perTurn.join(', ')}`).toBeLessThanOrEqual(3);
  });

  it('keeps the time budget when slow runnables follow a batch of tiny ones', async () => {
    // A batch of 64 tiny runs lets the stride grow to 32; the next batch must not trust it.
    const exec = new LoopExecutor({ budgetMs: 4, batch: 64 });
    for (let i = 0; i < 64; i++) exec.submit(new FunctionRunnable(() => {}));
    let slowRuns = 0;
    const slow = () =>
      new FunctionRunnable(() => {
        slowRuns++;
        const until = performance.now() + 1;
        while (performance.now() < until) {}
      });
    for (let i = 0; i < 40; i++) exec.submit(slow());
    const perTurn = await runsPerTurn(() => slowRuns, 40);
    // 1 ms runs, 4 ms budget: the fourth run ends past the budget (a kept stride of 32 ran 32).
    expect(Math.max(...perTurn), `slow runs per turn: ${perTurn.join(', ')}`).toBeLessThanOrEqual(5);
  });

  it.each([
    { bound: 'its time budget', options: {} },
    { bound: 'a count of 100', options: { batch: 100 } },
  ])(
    'lets a timer and an I/O callback run between batches of an endless stream ($bound)',
    async ({ options }) => {
      const exec = new LoopExecutor(options);
      let runs = 0;
      let stop = false;
      const spin: Runnable = new FunctionRunnable(() => {
        runs++;
        if (!stop) exec.submit(spin);
      });
      exec.submit(spin);
      try {
        const runsAtTimer = await new Promise<number>((resolve) => setTimeout(() => resolve(runs), 1));
        const runsAtIo = await new Promise<number>((resolve, reject) =>
          stat(import.meta.filename, (error) => (error ? reject(error) : resolve(runs))),
        );
        await new Promise<void>((resolve) => setImmediate(resolve));
        expect(runsAtTimer).toBeGreaterThan(0);
        expect(runsAtIo).toBeGreaterThanOrEqual(runsAtTimer);
        expect(runs).toBeGreaterThan(runsAtIo); // the stream was still running
      } finally {
        stop = true;
        await idle(exec);
      }
    },
  );

  it('lets the process exit once it is idle', async () => {
    const script = `
      import { FunctionRunnable } from '@spindle/core-context';
      import { LoopExecutor } from '${new URL('../dist/index.js', import.meta.url).href}';
      const exec = new LoopExecutor();
      let runs = 0;
      const again = new FunctionRunnable(() => { if (++runs < 1000) exec.submit(again); });
      exec.submit(again);
      process.on('exit', () => console.log('ran ' + runs));
    `;
    const output = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--input-type=module', '-e', script],
        { cwd: import.meta.dirname, timeout: 10_000 },
        (error, stdout) =>
          error
            ? reject(new Error(`the idle process did not exit by itself: ${error.message}`))
            : resolve(stdout),
      ),
    );
    expect(output.trim()).toBe('ran 1000');
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
