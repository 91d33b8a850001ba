import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Cancelled, ClosedError, InvalidStateError, setTracer, type Tracer } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import { ThreadPool } from '../dist/pool/index.js';
import { outcome, TASKS, TokenWaiter, viaYield, within, withPool } from './pool-helpers.js';

describe.each(['global', 'stealing'] as const)('ThreadPool (%s mode)', (mode) => {
  it('runs tasks by handle and by module + name, awaited or yielded', async () => {
    await withPool({ workers: 2, mode }, async (pool) => {
      const addOne = pool.task(TASKS, 'addOne');
      expect(await pool.run(addOne, [41])).toBe(42);
      expect(await pool.run({ module: TASKS, name: 'addOne' }, [1])).toBe(2);
      expect(await viaYield<number>(pool.run(addOne, [9]))).toBe(10);
      const results = await Promise.all(Array.from({ length: 500 }, (_, i) => pool.run<number>(addOne, [i])));
      expect(results).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    });
  });

  it('carries structured values, large values by message, and transfer lists', async () => {
    await withPool({ workers: 2, mode, slotBytes: 64 }, async (pool) => {
      const echo = pool.task(TASKS, 'echo');
      const value = {
        text: 'hé',
        list: [1, 'two', null],
        map: new Map([[1, { deep: true }]]),
        big: 2n ** 70n,
      };
      expect(await pool.run(echo, [value])).toEqual(value);
      const large = 'x'.repeat(10_000);
      expect(await pool.run(echo, [large])).toBe(large);
      const buffer = new ArrayBuffer(32);
      expect(await pool.run(pool.task(TASKS, 'byteLengthOf'), [buffer], { transfer: [buffer] })).toBe(32);
      expect(buffer.byteLength).toBe(0); // moved, not copied
      expect(await pool.run(echo, [])).toBeUndefined();
      expect(Object.is(await pool.run(echo, [-0]), -0)).toBe(true);
      expect(await pool.run(echo, [2 ** 40 + 0.5])).toBe(2 ** 40 + 0.5);
      expect(await pool.run(pool.task(TASKS, 'addOne'), [-(2 ** 31)])).toBe(-(2 ** 31) + 1);
    });
  });

  it('returns shared memory: a SharedArrayBuffer and a typed array over one', async () => {
    await withPool({ workers: 1, mode }, async (pool) => {
      const makeShared = pool.task(TASKS, 'makeShared');
      const view = await pool.run<Int32Array>(makeShared, [4, false]);
      expect(view).toBeInstanceOf(Int32Array);
      expect(view.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Array.from(view)).toEqual([0, 2, 4, 6]);
      const buffer = await pool.run<SharedArrayBuffer>(makeShared, [3, true]);
      expect(buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Array.from(new Int32Array(buffer))).toEqual([0, 2, 4]);
    });
  });

  it('rejects with the original error: class, name, message, stack, cause and fields', async () => {
    await withPool({ workers: 1, mode }, async (pool) => {
      const error = await pool.run(pool.task(TASKS, 'fail'), ['bad input']).then(
        () => null,
        (e: unknown) => e as Error & { code: string },
      );
      expect(error).toBeInstanceOf(RangeError);
      expect(error?.message).toBe('bad input');
      expect(error?.code).toBe('E_FIXTURE');
      expect(error?.stack).toContain('tasks.mjs');
      expect((error?.cause as Error).message).toBe('inner cause');
      const custom = await pool.run(pool.task(TASKS, 'failCustom')).then(
        () => null,
        (e: unknown) => e as Error & { line: number },
      );
      expect(custom?.name).toBe('ParseFailure');
      expect(custom?.line).toBe(7);
      const missing = pool.run({ module: TASKS, name: 'noSuchExport' });
      await expect(missing).rejects.toThrow(/no exported function named "noSuchExport"/);
    });
  });

  it('keeps every task when the shared rings are small and wrap constantly', async () => {
    await withPool({ workers: 2, mode, slots: 4, forkSlots: 2 }, async (pool) => {
      const addOne = pool.task(TASKS, 'addOne');
      const results = await Promise.all(
        Array.from({ length: 20_000 }, (_, i) => pool.run<number>(addOne, [i])),
      );
      expect(results.every((value, i) => value === i + 1)).toBe(true);
      expect(pool.pending).toBe(0);
    });
  });

  it('counts tasks per worker and records wait and run times', async () => {
    await withPool({ workers: 2, mode }, async (pool) => {
      const addOne = pool.task(TASKS, 'addOne');
      await Promise.all(Array.from({ length: 300 }, (_, i) => pool.run(addOne, [i])));
      const metrics = pool.metrics();
      expect(metrics.workers.reduce((sum, w) => sum + w.tasksRun, 0)).toBe(300);
      expect(metrics.waitTime.count).toBe(300);
      expect(metrics.runTime.count).toBe(300);
      expect(metrics.pending).toBe(0);
      expect(metrics.queueDepth).toBe(0);
    });
  });
});

describe('ThreadPool lifecycle and memory', () => {
  it('close() finishes queued work, then refuses new tasks and holds no handles', async () => {
    const pool = new ThreadPool({ workers: 2 });
    const later = pool.task(TASKS, 'later');
    const results = Array.from({ length: 20 }, (_, i) => pool.run(later, [i, 2]));
    await pool.close();
    expect(await Promise.all(results)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(() => pool.run(later, [1, 1])).toThrow(ClosedError);
    const kinds = process.getActiveResourcesInfo();
    expect(kinds.filter((k) => k === 'Worker' || k === 'MessagePort')).toEqual([]);
  });

  it('destroy() stops at once and rejects unfinished tasks with Cancelled', async () => {
    const pool = new ThreadPool({ workers: 1 });
    const later = pool.task(TASKS, 'later');
    const results = Array.from({ length: 5 }, (_, i) => pool.run(later, [i, 50]));
    await pool.destroy();
    for (const result of results) await expect(result).rejects.toBeInstanceOf(Cancelled);
    expect(process.getActiveResourcesInfo().filter((k) => k === 'Worker' || k === 'MessagePort')).toEqual([]);
  });

  it('keeps no reference to the arguments of a task once they are in shared memory', () => {
    // In a child process with --expose-gc: the caller holds the task's result, not its arguments.
    const fixture = fileURLToPath(new URL('./fixtures/drops-arguments.mjs', import.meta.url));
    const output = execFileSync(process.execPath, ['--expose-gc', fixture], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(JSON.parse(output.trim().split('\n').at(-1) ?? '')).toEqual({
      collected: true,
      echoed: { text: 'kept only by the pool' },
    });
  });

  it('runs on caller-provided memory sized by memoryBytes()', async () => {
    const options = { workers: 2, slots: 8, forkSlots: 8 };
    const memory = new SharedArrayBuffer(ThreadPool.memoryBytes(options));
    await withPool({ ...options, memory }, async (pool) => {
      const addOne = pool.task(TASKS, 'addOne');
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => pool.run<number>(addOne, [i])));
      expect(results[99]).toBe(100);
    });
    expect(() => new ThreadPool({ ...options, memory: new SharedArrayBuffer(64) })).toThrow(
      /poolMemoryBytes/,
    );
  });

  it('reports submits through the tracing hook', async () => {
    const events: string[] = [];
    const recorder: Tracer = {
      begin: () => {},
      end: () => {},
      instant: (source, name) => events.push(`${source}:${name}`),
    };
    const previous = setTracer(recorder);
    try {
      await withPool({ workers: 1 }, async (pool) => {
        await pool.run(pool.task(TASKS, 'addOne'), [1]);
      });
    } finally {
      setTracer(previous);
    }
    expect(events).toContain('pool:submit');
  });

  it("runs another pool's handle as the function it names, registered in this pool", async () => {
    await withPool({ workers: 1 }, async (first) => {
      await withPool({ workers: 1 }, async (second) => {
        const addOne = first.task(TASKS, 'addOne'); // id 0 in the first pool
        const echo = second.task(TASKS, 'echo'); // id 0 in the second
        expect(addOne.id).toBe(echo.id);
        expect(await second.run(addOne, [41])).toBe(42);
        expect(await second.run(echo, [41])).toBe(41);
        expect(await first.run(addOne, [1])).toBe(2);
      });
    });
  });

  it('gives a task result the promise surface: then, catch, finally, toStringTag', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const failing = pool.run(pool.task(TASKS, 'fail'), ['on purpose']);
      expect(Object.prototype.toString.call(failing)).toBe('[object TaskResult]');
      expect(await failing.catch((error: Error) => `caught ${error.message}`)).toBe('caught on purpose');
      const order: string[] = [];
      const value = await pool
        .run<number>(pool.task(TASKS, 'addOne'), [1])
        .finally(() => order.push('finally'))
        .then((v) => v * 10);
      expect([value, order]).toEqual([20, ['finally']]);
      const kept = await outcome(pool.run(pool.task(TASKS, 'fail'), ['kept']).finally(() => 'ignored'));
      expect((kept as Error).message).toBe('kept');
      const asPromise: Promise<number> = pool.run<number>(pool.task(TASKS, 'addOne'), [2]);
      expect(await Promise.all([asPromise])).toEqual([3]);
    });
  });

  it('lets only the pool settle a task result: it has no resolve, reject or settle to call', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const result = pool.run(pool.task(TASKS, 'later'), ['from the worker', 20]);
      for (const name of ['resolve', 'reject', 'settle', 'isSettled', 'outcome', 'waiter']) {
        expect(name in result, name).toBe(false);
      }
      const ended = result.ended;
      for (const name of ['finish', 'lingering', 'kept', 'hold', 'keep'])
        expect(name in ended, name).toBe(false);
      // SharedOutcome's protected settleOutcome is reachable from JavaScript, but refuses.
      const settleOutcome = (result as unknown as { settleOutcome(ok: boolean, v: unknown): boolean })
        .settleOutcome;
      expect(() => settleOutcome.call(result, true, 'forged')).toThrow(InvalidStateError);
      expect(() => settleOutcome.call(ended, true, undefined)).toThrow(InvalidStateError);
      expect((ended as unknown as { settled: boolean }).settled, 'ended was not completed early').toBe(false);
      // `settled` (from SharedOutcome) can be read, never written.
      expect(result.settled).toBe(false);
      expect(() => {
        (result as { settled: boolean }).settled = true;
      }).toThrow(TypeError);
      expect(await within(10_000, 'the task', result)).toBe('from the worker');
      expect(result.settled).toBe(true);
      expect(pool.pending).toBe(0);
      await within(10_000, 'close()', pool.close());
    });
  });

  it('lets no waiter settle another result from inside its own delivery', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const first = pool.run(pool.task(TASKS, 'later'), ['first', 1]);
      const second = pool.run(pool.task(TASKS, 'later'), ['second', 50]);
      const settleOutcome = (second as unknown as { settleOutcome(ok: boolean, v: unknown): boolean })
        .settleOutcome;
      const forgeries: unknown[] = [];
      const forger = new TokenWaiter(undefined, () => {
        try {
          forgeries.push(settleOutcome.call(second, true, 'forged'));
        } catch (error) {
          forgeries.push(error);
        }
      });
      first.park(forger);
      expect(await within(10_000, 'the first task', forger.outcome)).toEqual({ ok: true, value: 'first' });
      expect(forgeries).toHaveLength(1);
      expect(forgeries[0]).toBeInstanceOf(InvalidStateError);
      expect(await within(10_000, 'the second task', second)).toBe('second');
    });
  });

  it('shares one frozen end between the results that ended before anyone asked', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const addOne = pool.task(TASKS, 'addOne');
      const done = pool.run(addOne, [1]);
      expect(await done).toBe(2);
      const ended = done.ended;
      expect(Object.isFrozen(ended)).toBe(true);
      expect('ALREADY_ENDED' in ended.constructor, 'replaceable through the class').toBe(false);
      expect(() => {
        (ended as unknown as { lingering: unknown }).lingering = {};
      }).toThrow(TypeError);
      const other = pool.run(addOne, [2]);
      await other;
      expect(other.ended).toBe(ended);
      await ended;
    });
  });

  it('rejects bad arguments at the call', () => {
    expect(() => new ThreadPool({ workers: 0 })).toThrow(RangeError);
    expect(() => new ThreadPool({ mode: 'lifo' as never })).toThrow(TypeError);
    expect(() => new ThreadPool({ pin: [-1] })).toThrow(TypeError);
    expect(() => new ThreadPool({ slotBytes: 100 })).toThrow(RangeError);
    expect(() => new ThreadPool({ maxQueue: -1 })).toThrow(RangeError);
  });
});

describe('ThreadPool: waits that only the pool can end hold the process open', () => {
  const fixture = fileURLToPath(new URL('./fixtures/awaits-end.mjs', import.meta.url));
  it.each([
    ['ended', "a cancelled task's ended"],
    ['pending', 'a waiter told pending by the last-waiter rule'],
    ['kept', "a halted waiter kept when the call's token cancelled the task"],
  ])('%s: the script waits for %s (nothing else holds the event loop)', (mode) => {
    // execFileSync throws when the script ends with an unsettled top-level await (exit code 13).
    const output = execFileSync(process.execPath, [fixture, mode], { encoding: 'utf8', timeout: 60_000 });
    expect(JSON.parse(output.trim().split('\n').at(-1) ?? '')).toEqual({ cleanedUp: true });
  });
});
