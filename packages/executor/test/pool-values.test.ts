import { Cancelled, QueueFullError } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import { type ThreadPool, UncloneableError } from '../dist/pool/index.js';
import { gate, outcome, TASKS, within, withPool } from './pool-helpers.js';

/** The pool after a call that failed at once: nothing counted, nothing left to wait for. */
async function expectNothingCounted(pool: ThreadPool): Promise<void> {
  expect(pool.pending).toBe(0);
  expect(
    await within(10_000, 'a task after the refused one', pool.run(pool.task(TASKS, 'addOne'), [1])),
  ).toBe(2);
  await within(10_000, 'close()', pool.close());
}

describe('ThreadPool values that cannot cross between threads', () => {
  it('rejects an argument that cannot be cloned, naming it, and counts nothing', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const echo = pool.task(TASKS, 'echo');
      const error = await outcome(pool.run(echo, [1, () => 1]));
      expect(error).toBeInstanceOf(UncloneableError);
      expect((error as UncloneableError).code).toBe('ERR_SPINDLE_UNCLONEABLE');
      expect((error as UncloneableError).subject).toBe('argument 1');
      expect((error as Error).message).toMatch(/^argument 1 of the task cannot cross between threads: /);
      expect(pool.pending).toBe(0);
      const throwingGetter = {
        get value() {
          throw new Error('argument getter threw');
        },
      };
      expect(await outcome(pool.trySubmit(echo, [throwingGetter]))).toMatchObject({
        subject: 'argument 0',
        message: expect.stringMatching(/argument getter threw/),
      });
      await expect(pool.submit(echo, [Symbol('no')])).rejects.toBeInstanceOf(UncloneableError);
      await expectNothingCounted(pool);
    });
  });

  it('rejects an uncloneable argument of a call with a transfer list, leaving the transfer list usable', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const buffer = new ArrayBuffer(16);
      const error = await outcome(
        pool.run(pool.task(TASKS, 'echo'), [buffer, () => 1], { transfer: [buffer] }),
      );
      expect(error).toMatchObject({ subject: 'argument 1' });
      expect(buffer.byteLength).toBe(16); // not moved away by the refused call
      await expectNothingCounted(pool);
    });
  });

  it('moves a transfer list only when the call is accepted', async () => {
    await withPool({ workers: 1, maxQueue: 0 }, async (pool) => {
      const held = gate();
      const holding = pool.run(pool.task(TASKS, 'hold'), [held.buffer]);
      await held.started();
      const buffer = new ArrayBuffer(16);
      const byteLengthOf = pool.task(TASKS, 'byteLengthOf');
      expect(() => pool.trySubmit(byteLengthOf, [buffer], { transfer: [buffer] })).toThrow(QueueFullError);
      expect(buffer.byteLength).toBe(16); // still the caller's
      const controller = new AbortController();
      const waiting = pool.submit(byteLengthOf, [buffer], { transfer: [buffer], signal: controller.signal });
      controller.abort();
      await expect(waiting).rejects.toBeInstanceOf(Cancelled);
      expect(buffer.byteLength).toBe(16);
      const refused = pool.submit(byteLengthOf, [buffer], {
        transfer: [buffer],
        signal: AbortSignal.abort(),
      });
      await expect(refused).rejects.toBeInstanceOf(Cancelled);
      expect(buffer.byteLength).toBe(16);
      const later = pool.submit(byteLengthOf, [buffer], { transfer: [buffer] });
      held.release();
      expect(await holding).toBe('released');
      expect(await (await later).result).toBe(16);
      expect(buffer.byteLength).toBe(0); // moved once accepted
    });
  });

  it('fails a task with a result whose getter throws, and the worker lives on', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const error = await outcome(pool.run(pool.task(TASKS, 'hostileResult')));
      expect(error).toBeInstanceOf(UncloneableError);
      expect(error).toMatchObject({
        subject: 'the result',
        message: expect.stringMatching(/result getter threw/),
      });
      expect(pool.metrics().workers[0]?.crashes).toBe(0);
      await expectNothingCounted(pool);
    });
  });

  it("delivers a task's own failure when its error or result has a hostile getter", async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const ownError = await outcome(pool.run(pool.task(TASKS, 'hostileError')));
      expect(ownError).toBeInstanceOf(RangeError);
      expect((ownError as Error).message).toBe('the task failed on its own');
      expect((ownError as { code: unknown }).code).toMatch(/code threw: code getter threw/);
      const thenError = await outcome(pool.run(pool.task(TASKS, 'hostileThen')));
      expect((thenError as Error).message).toBe('then getter threw');
      const thrown = await outcome(pool.run(pool.task(TASKS, 'hostileThrow')));
      expect((thrown as Error).message).toBe('[object Object]'); // what can be said of it
      expect(pool.metrics().workers[0]?.crashes).toBe(0);
      await expectNothingCounted(pool);
    });
  });
});
