import { SystemError, WorkerCrashedError } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import { ThreadPool } from '../dist/pool/index.js';
import { outcome, TASKS, within, withPool } from './pool-helpers.js';

const TRACER = new URL('./fixtures/tracer.mjs', import.meta.url);

interface TraceEvent {
  kind: 'begin' | 'end' | 'instant';
  source: string;
  name: string;
  id: number;
  thread: number;
}

describe('ThreadPool worker-side tracing', () => {
  it('installs the tracer module in each worker, which sees task begin/end and park', async () => {
    const channel = new BroadcastChannel('spindle-executor-trace-test');
    const events: TraceEvent[] = [];
    channel.onmessage = (message) => events.push((message as { data: TraceEvent }).data);
    try {
      await withPool({ workers: 2, tracer: { module: TRACER, export: 'tracer' } }, async (pool) => {
        await pool.ready();
        const addOne = pool.task(TASKS, 'addOne');
        expect(await Promise.all([1, 2, 3].map((n) => pool.run(addOne, [n])))).toEqual([2, 3, 4]);
        // A task that fails before its function runs still ends the span it began.
        await expect(pool.run(pool.task(TASKS, 'noSuchExport'))).rejects.toThrow(/no exported function/);
        const taskEvents = () => events.filter((e) => e.source === 'pool' && e.name === 'task');
        await within(
          5_000,
          'four task begin/end pairs',
          (async () => {
            while (taskEvents().length < 8) await new Promise((r) => setTimeout(r, 5));
          })(),
        );
        const begins = taskEvents().filter((e) => e.kind === 'begin');
        const ends = taskEvents().filter((e) => e.kind === 'end');
        expect(begins).toHaveLength(4);
        expect(ends.map((e) => e.id).sort()).toEqual(begins.map((e) => e.id).sort());
        expect(begins.every((e) => e.thread !== 0)).toBe(true); // reported by worker threads
        expect(events.some((e) => e.name === 'park')).toBe(true);
      });
    } finally {
      channel.close();
    }
  });

  it('installs the tracer in a worker that could not pin itself, and reports both set-up failures', async () => {
    const channel = new BroadcastChannel('spindle-executor-trace-test');
    const events: TraceEvent[] = [];
    channel.onmessage = (message) => events.push((message as { data: TraceEvent }).data);
    try {
      const options = { workers: 1, pin: [100_000], tracer: { module: TRACER, export: 'tracer' } };
      await withPool(options, async (pool) => {
        expect(await outcome(pool.ready())).toBeInstanceOf(SystemError);
        expect(await pool.run(pool.task(TASKS, 'addOne'), [1])).toBe(2);
        await within(
          5_000,
          'the traced task',
          (async () => {
            while (!events.some((e) => e.name === 'task' && e.kind === 'end')) {
              await new Promise((r) => setTimeout(r, 5));
            }
          })(),
        );
      });
    } finally {
      channel.close();
    }
    await withPool(
      { workers: 1, pin: [100_000], tracer: { module: TASKS, export: 'addOne' } },
      async (pool) => {
        const error = await outcome(pool.ready());
        expect(error).toBeInstanceOf(AggregateError);
        const [pinned, traced] = (error as AggregateError).errors as Error[];
        expect(pinned).toBeInstanceOf(SystemError);
        expect(pinned?.message).toMatch(/^worker 0 could not pin itself to CPU 100000/);
        expect(traced?.message).toMatch(/^worker 0 could not install its tracer/);
        expect((error as Error).message).toMatch(
          /could not pin itself.*; worker 0 could not install its tracer/,
        );
      },
    );
  });

  it('rejects ready() when a tracer module kills the workers that import it', async () => {
    const exits = new URL('./fixtures/exit-on-import.mjs', import.meta.url);
    await withPool({ workers: 1, tracer: { module: exits } }, async (pool) => {
      const error = await within(5_000, 'ready()', outcome(pool.ready()));
      expect(error).toBeInstanceOf(WorkerCrashedError);
      expect((error as Error).message).toMatch(/worker 0 exited before it was ready with exit code 7/);
    });
  });

  it('rejects a bad option at once and a module without a tracer in ready()', async () => {
    expect(() => new ThreadPool({ workers: 1, tracer: 'x' as never })).toThrow(TypeError);
    await withPool({ workers: 1, tracer: { module: TASKS, export: 'addOne' } }, async (pool) => {
      await expect(pool.ready()).rejects.toThrow(
        /worker 0 could not install its tracer: .*begin, end and instant/,
      );
    });
  });
});
