import { Cancelled, QueueFullError } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import { TaskResult } from '../dist/pool/index.js';
import { gate, outcome, TASKS, waitForWord, within, withPool } from './pool-helpers.js';

describe('ThreadPool cancellation', () => {
  it('removes a queued task: it never runs, and the worker goes on', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const blocker = gate();
      const counter = new SharedArrayBuffer(4);
      const held = pool.run(pool.task(TASKS, 'hold'), [blocker.buffer]);
      await blocker.started();
      const controller = new AbortController();
      const queued = pool.run(pool.task(TASKS, 'mark'), [counter], { signal: controller.signal });
      controller.abort();
      await expect(queued).rejects.toBeInstanceOf(Cancelled);
      blocker.release();
      expect(await held).toBe('released');
      expect(await pool.run(pool.task(TASKS, 'mark'), [counter])).toBe(1); // the cancelled one never counted
      expect(pool.metrics().workers[0]?.crashes).toBe(0);
    });
  });

  it('aborts the signal a running task sees, without killing its worker', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      await pool.ready();
      const threadBefore = pool.metrics().workers[0]?.threadId;
      const marker = new SharedArrayBuffer(4);
      const flag = new Int32Array(marker);
      const controller = new AbortController();
      const running = pool.run(pool.task(TASKS, 'untilAborted'), [marker], { signal: controller.signal });
      while (Atomics.load(flag, 0) !== 1) await new Promise((r) => setTimeout(r, 1));
      controller.abort();
      await expect(running).rejects.toBeInstanceOf(Cancelled);
      while (Atomics.load(flag, 0) !== 2) await new Promise((r) => setTimeout(r, 1));
      expect(await pool.run(pool.task(TASKS, 'addOne'), [1])).toBe(2);
      const after = pool.metrics().workers[0];
      expect(after?.threadId).toBe(threadBefore);
      expect(after?.crashes).toBe(0);
    });
  });

  it('goes on with queued work and closes after a cancelled task that never settles', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const marker = new SharedArrayBuffer(4);
      const controller = new AbortController();
      const stuck = pool.run(pool.task(TASKS, 'ignoreAbort'), [marker], { signal: controller.signal });
      const queued = pool.run(pool.task(TASKS, 'addOne'), [1]);
      while (Atomics.load(new Int32Array(marker), 0) !== 1) await new Promise((r) => setTimeout(r, 1));
      controller.abort();
      await expect(stuck).rejects.toBeInstanceOf(Cancelled);
      expect(await within(5_000, 'the task queued behind the cancelled one', queued)).toBe(2);
      await within(5_000, 'close()', pool.close());
    });
  });

  it('lets a cancelled task finish its cleanup before close() stops its worker', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const marker = new SharedArrayBuffer(4);
      const flag = new Int32Array(marker);
      const controller = new AbortController();
      const task = pool.run(pool.task(TASKS, 'cleanUpAfterAbort'), [marker], { signal: controller.signal });
      await within(5_000, 'the task start', waitForWord(flag, 0));
      controller.abort();
      await expect(task).rejects.toBeInstanceOf(Cancelled);
      await within(5_000, 'close()', pool.close());
      expect(Atomics.load(flag, 0), 'the cleanup was cut short').toBe(2);
    });
  });

  it('counts queued tasks in queueDepth while a task holds the worker, leaving out cancelled ones', async () => {
    await withPool({ workers: 1, slots: 3 }, async (pool) => {
      const blocker = gate();
      const held = pool.run(pool.task(TASKS, 'hold'), [blocker.buffer]);
      await blocker.started();
      const addOne = pool.task(TASKS, 'addOne');
      const controllers = Array.from({ length: 6 }, () => new AbortController());
      // Slots 2 and 3 take the first two; the other four wait in the backlog.
      const queued = controllers.map((c, i) => pool.run(addOne, [i], { signal: c.signal }));
      expect(pool.metrics().queueDepth).toBe(6);
      controllers[0]!.abort(); // in shared memory
      controllers[4]!.abort(); // in the backlog
      await expect(
        within(1_000, 'the cancelled tasks', Promise.any([queued[0], queued[4]])),
      ).rejects.toThrow();
      expect(pool.metrics().queueDepth).toBe(4);
      blocker.release();
      expect(await held).toBe('released');
      expect(await Promise.all([1, 2, 3, 5].map((i) => queued[i]))).toEqual([2, 3, 4, 6]);
      expect(pool.metrics().queueDepth).toBe(0);
    });
  });

  it('rejects at once a task whose signal is already aborted', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const result = pool.run(pool.task(TASKS, 'addOne'), [1], { signal: AbortSignal.abort() });
      await expect(result).rejects.toBeInstanceOf(Cancelled);
      expect(pool.pending).toBe(0);
    });
  });
});

describe('ThreadPool backpressure', () => {
  it('fails fast in trySubmit and waits in submit when the queue is full', async () => {
    await withPool({ workers: 1, maxQueue: 2 }, async (pool) => {
      const blocker = gate();
      const addOne = pool.task(TASKS, 'addOne');
      const held = pool.trySubmit(pool.task(TASKS, 'hold'), [blocker.buffer]);
      await blocker.started();
      const queued = [pool.trySubmit(addOne, [1]), pool.trySubmit(addOne, [2])];
      expect(() => pool.trySubmit(addOne, [3])).toThrow(QueueFullError);
      expect(() => pool.run(addOne, [3])).toThrow(QueueFullError);
      let admitted = false;
      const waiting = pool.submit(addOne, [3]).then((op) => {
        admitted = true;
        return op;
      });
      await new Promise((r) => setTimeout(r, 20));
      expect(admitted).toBe(false);
      blocker.release();
      expect(await held).toBe('released');
      expect(await Promise.all(queued)).toEqual([2, 3]);
      expect(await (await waiting).result).toBe(4);
    });
  });

  it('resolves submit() once the task is accepted, with its result, while the task still runs', async () => {
    await withPool({ workers: 1, maxQueue: 0 }, async (pool) => {
      const blocker = gate();
      const submitted = await within(
        10_000,
        'submit()',
        pool.submit(pool.task(TASKS, 'hold'), [blocker.buffer]),
      );
      expect(Object.keys(submitted)).toEqual(['result']);
      expect(submitted.result).toBeInstanceOf(TaskResult);
      await blocker.started();
      expect(pool.pending).toBe(1);
      blocker.release();
      expect(await submitted.result).toBe('released');
    });
  });

  it('keeps 2 workers busy from a loop that awaits submit() for each task', async () => {
    await withPool({ workers: 2, maxQueue: 0 }, async (pool) => {
      const gates = [gate(), gate()];
      const hold = pool.task(TASKS, 'hold');
      const results: PromiseLike<unknown>[] = [];
      for (const g of gates)
        results.push((await within(10_000, 'submit()', pool.submit(hold, [g.buffer]))).result);
      await within(10_000, 'both tasks to run at once', Promise.all(gates.map((g) => g.started())));
      for (const g of gates) g.release();
      expect(await Promise.all(results)).toEqual(['released', 'released']);
    });
  });

  it('refuses trySubmit() with an aborted signal with Cancelled, also when the queue is full', async () => {
    await withPool({ workers: 1, maxQueue: 0 }, async (pool) => {
      const blocker = gate();
      const held = pool.trySubmit(pool.task(TASKS, 'hold'), [blocker.buffer]);
      await blocker.started();
      const refused = pool.trySubmit(pool.task(TASKS, 'addOne'), [1], { signal: AbortSignal.abort() });
      expect(await outcome(refused)).toBeInstanceOf(Cancelled);
      expect(pool.pending).toBe(1);
      blocker.release();
      expect(await held).toBe('released');
    });
  });

  it('rejects submit() with Cancelled when its signal aborted before the task was accepted, room or not', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const refused = pool.submit(pool.task(TASKS, 'addOne'), [1], { signal: AbortSignal.abort() });
      await expect(refused).rejects.toBeInstanceOf(Cancelled);
      expect(pool.pending).toBe(0);
    });
  });

  it('admits waiting submit()s in order, and passes on a place whose waiter aborted after waking', async () => {
    await withPool({ workers: 1, maxQueue: 1 }, async (pool) => {
      const blocker = gate();
      const held = pool.trySubmit(pool.task(TASKS, 'hold'), [blocker.buffer]);
      await blocker.started();
      const addOne = pool.task(TASKS, 'addOne');
      const queuedSignal = new AbortController();
      const queued = pool.trySubmit(addOne, [0], { signal: queuedSignal.signal });
      const first = new AbortController();
      const admitted: number[] = [];
      const waiting = [1, 2, 3].map((x, i) =>
        pool.submit(addOne, [x], i === 0 ? { signal: first.signal } : {}).then((submitted) => {
          admitted.push(x);
          return submitted.result;
        }),
      );
      queuedSignal.abort(); // frees one place (no completion will follow): the first waiter wakes
      first.abort(); // ...and aborts before it resumes, so the place must go to the next one
      await expect(queued).rejects.toBeInstanceOf(Cancelled);
      await expect(within(1_000, 'the aborted waiter', waiting[0]!)).rejects.toBeInstanceOf(Cancelled);
      await new Promise((r) => setImmediate(r));
      expect(pool.pending, 'the held task and the second waiter').toBe(2);
      blocker.release();
      expect(await held).toBe('released');
      expect(await within(5_000, 'the other waiters', Promise.all(waiting.slice(1)))).toEqual([3, 4]);
      expect(admitted).toEqual([2, 3]);
    });
  });

  it('stops a submit() that waits for room as soon as its signal aborts', async () => {
    await withPool({ workers: 1, maxQueue: 0 }, async (pool) => {
      const blocker = gate();
      const held = pool.trySubmit(pool.task(TASKS, 'hold'), [blocker.buffer]);
      await blocker.started();
      const controller = new AbortController();
      const waiting = pool.submit(pool.task(TASKS, 'addOne'), [1], { signal: controller.signal });
      controller.abort();
      await expect(within(1_000, 'the aborted submit()', waiting)).rejects.toBeInstanceOf(Cancelled);
      blocker.release();
      expect(await held).toBe('released');
      expect(pool.pending).toBe(0);
      expect(await pool.run(pool.task(TASKS, 'addOne'), [2])).toBe(3); // room for others: the waiter is gone
    });
  });
});
