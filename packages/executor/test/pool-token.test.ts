import { Cancelled, CancelSource, InvalidStateError, WorkerCrashedError } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import { type ThreadPool, taskSignal, taskToken } from '../dist/pool/index.js';
import { gate, outcome, TASKS, waitForWord, within, withPool } from './pool-helpers.js';

/** The worker at index 0 is the one that was there before, and none has crashed. */
function sameWorker(pool: ThreadPool, threadBefore: number | undefined): void {
  const after = pool.metrics().workers[0];
  expect(after?.threadId).toBe(threadBefore);
  expect(after?.crashes).toBe(0);
}

describe('ThreadPool run(..., { token })', () => {
  it('cancels a running task through its token: taskToken() sees a Cancelled for itself, the worker survives', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      await pool.ready();
      const threadBefore = pool.metrics().workers[0]?.threadId;
      const marker = new SharedArrayBuffer(8);
      const flag = new Int32Array(marker);
      const source = new CancelSource();
      const result = pool.run(pool.task(TASKS, 'cleanUpAfterTokenCancel'), [marker], { token: source.token });
      await within(5_000, 'the task start', waitForWord(flag, 0));
      source.cancel('no longer needed');
      const error = await outcome(result);
      expect(error).toBeInstanceOf(Cancelled);
      expect((error as Cancelled).token, 'the caller can tell its own cancellation').toBe(source.token);
      await within(5_000, 'the end of the task', result.ended);
      expect(Atomics.load(flag, 0), 'ended before the cleanup finished').toBe(2);
      expect(Atomics.load(flag, 1), 'taskToken().reason is a Cancelled for that token').toBe(1);
      expect(await pool.run(pool.task(TASKS, 'addOne'), [1])).toBe(2);
      sameWorker(pool, threadBefore);
    });
  });

  it('gives taskToken() only synchronously inside a task', async () => {
    expect(() => taskToken()).toThrow(InvalidStateError);
    expect(() => taskSignal()).toThrow(InvalidStateError);
    await withPool({ workers: 1 }, async (pool) => {
      expect(await pool.run(pool.task(TASKS, 'tokenAfterAwait'))).toBe('InvalidStateError');
    });
  });

  it('lets a synchronous loop poll taskToken() for the cancel', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const marker = new SharedArrayBuffer(8);
      const flag = new Int32Array(marker);
      const source = new CancelSource();
      const result = pool.run(pool.task(TASKS, 'pollToken'), [marker], { token: source.token });
      await within(5_000, 'the task start', waitForWord(flag, 0));
      source.cancel();
      expect(await outcome(result)).toBe(source.token.reason);
      await within(5_000, 'the end of the task', result.ended);
      expect(Atomics.load(flag, 0)).toBe(2);
      expect(pool.metrics().workers[0]?.crashes).toBe(0);
    });
  });

  it('removes a queued task when its token is cancelled: it never runs and has ended at once', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const blocker = gate();
      const counter = new SharedArrayBuffer(4);
      const held = pool.run(pool.task(TASKS, 'hold'), [blocker.buffer]);
      await blocker.started();
      const source = new CancelSource();
      const queued = pool.run(pool.task(TASKS, 'mark'), [counter], { token: source.token });
      source.cancel();
      expect(await outcome(queued)).toBe(source.token.reason);
      await within(5_000, 'the end of a task that never ran', queued.ended); // the blocker still holds the worker
      blocker.release();
      expect(await held).toBe('released');
      expect(await pool.run(pool.task(TASKS, 'mark'), [counter])).toBe(1);
    });
  });

  it('refuses a call whose token is already cancelled, as it does an aborted signal: nothing submitted or counted', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const counter = new SharedArrayBuffer(4);
      const source = new CancelSource();
      source.cancel('before the call');
      const mark = pool.task(TASKS, 'mark');
      const refused = pool.run(mark, [counter], { token: source.token });
      expect(pool.pending).toBe(0);
      expect(await outcome(refused)).toBe(source.token.reason);
      await within(1_000, 'the end of a refused call', refused.ended);
      await expect(pool.submit(mark, [counter], { token: source.token })).rejects.toBe(source.token.reason);
      expect(await outcome(pool.trySubmit(mark, [counter], { token: source.token }))).toBe(
        source.token.reason,
      );
      expect(pool.pending).toBe(0);
      expect(await pool.run(mark, [counter])).toBe(1);
    });
  });

  it('throws TypeError at the call for a token that is not a CancelToken, with nothing submitted', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const counter = new SharedArrayBuffer(4);
      const mark = pool.task(TASKS, 'mark');
      const notTokens = [{}, AbortSignal.abort(), { cancelled: true, reason: new Cancelled() }, 'token'];
      for (const token of notTokens) {
        expect(() => pool.run(mark, [counter], { token: token as never })).toThrow(TypeError);
        expect(() => pool.trySubmit(mark, [counter], { token: token as never })).toThrow(TypeError);
        await expect(pool.submit(mark, [counter], { token: token as never })).rejects.toBeInstanceOf(
          TypeError,
        );
      }
      expect(pool.pending).toBe(0);
      expect(await pool.run(mark, [counter])).toBe(1);
    });
  });

  it('cancels a call whose token or signal is cancelled while its arguments are serialized', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const echo = pool.task(TASKS, 'echo');
      // A getter that cancels: serializing the arguments runs it after the refusal check.
      const cancelling = (cancel: () => void) => ({
        get field() {
          cancel();
          return 'read';
        },
      });
      const source = new CancelSource();
      const byToken = pool.run(echo, [cancelling(() => source.cancel())], { token: source.token });
      expect(byToken.settled, 'cancelled at the call').toBe(true);
      expect(await outcome(byToken)).toBe(source.token.reason);
      const controller = new AbortController();
      const bySignal = pool.trySubmit(echo, [cancelling(() => controller.abort())], {
        signal: controller.signal,
      });
      expect(await outcome(bySignal)).toBeInstanceOf(Cancelled);
      // submit() with a transfer list serializes once there is room, after its last check.
      const late = new CancelSource();
      const buffer = new ArrayBuffer(8);
      const { result } = await pool.submit(echo, [cancelling(() => late.cancel()), buffer], {
        token: late.token,
        transfer: [buffer],
      });
      expect(await outcome(result)).toBe(late.token.reason);
      for (const cancelled of [byToken, bySignal, result]) await within(5_000, 'ended', cancelled.ended);
      expect(pool.pending).toBe(0);
      expect(await pool.run(echo, ['still running'])).toBe('still running');
    });
  });

  it('rejects bad options at the call (core-context checkWaitOptions), with nothing submitted', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const addOne = pool.task(TASKS, 'addOne');
      const bad = [null, 'fast', { signal: {} }, { token: {} }, { timeout: 10 }, { transfer: 'x' }];
      for (const options of bad) {
        expect(() => pool.run(addOne, [1], options as never), JSON.stringify(options)).toThrow(TypeError);
        expect(() => pool.trySubmit(addOne, [1], options as never)).toThrow(TypeError);
        await expect(pool.submit(addOne, [1], options as never)).rejects.toBeInstanceOf(TypeError);
      }
      expect(() => pool.run(addOne, [1], { signal: {} } as never)).toThrow(
        /^run: signal must be an AbortSignal/,
      );
      expect(pool.pending).toBe(0);
      expect(await pool.run(addOne, [1])).toBe(2);
    });
  });

  it('stops a submit() that waits for room when its token is cancelled', async () => {
    await withPool({ workers: 1, maxQueue: 0 }, async (pool) => {
      const blocker = gate();
      const held = pool.trySubmit(pool.task(TASKS, 'hold'), [blocker.buffer]);
      await blocker.started();
      const source = new CancelSource();
      const waiting = pool.submit(pool.task(TASKS, 'addOne'), [1], { token: source.token });
      source.cancel();
      await expect(within(1_000, 'the cancelled submit()', waiting)).rejects.toBe(source.token.reason);
      blocker.release();
      expect(await held).toBe('released');
      expect(pool.pending).toBe(0);
      expect(await pool.run(pool.task(TASKS, 'addOne'), [2])).toBe(3);
    });
  });

  it('cancels with whichever of signal and token comes first', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const marker = new SharedArrayBuffer(8);
      const flag = new Int32Array(marker);
      const source = new CancelSource();
      const controller = new AbortController();
      const result = pool.run(pool.task(TASKS, 'cleanUpAfterTokenCancel'), [marker], {
        token: source.token,
        signal: controller.signal,
      });
      await within(5_000, 'the task start', waitForWord(flag, 0));
      controller.abort();
      const error = await outcome(result);
      expect(error).toBeInstanceOf(Cancelled);
      expect((error as Cancelled).token).toBeUndefined(); // the signal's cancellation, not the token's
      source.cancel(); // too late: nothing happens
      await within(5_000, 'the end of the task', result.ended);
      expect(Atomics.load(flag, 0)).toBe(2);
    });
  });
});

describe('TaskResult.ended', () => {
  it('completes after a success and after a failure, also when read late', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const early = pool.run(pool.task(TASKS, 'addOne'), [1]);
      const ended = early.ended;
      expect(await early).toBe(2);
      await within(5_000, 'ended (read before the result)', ended);
      const failed = pool.run(pool.task(TASKS, 'fail'), ['boom']);
      expect(((await outcome(failed)) as Error).message).toBe('boom');
      await within(5_000, 'ended (read after the failure)', failed.ended);
      // Each wait on `ended` is a wait of its own, and all see the same end.
      await within(5_000, 'ended awaited again', failed.ended);
    });
  });

  it('comes after an aborted task cleaned up (the caller once saw Cancelled while the cleanup still ran)', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const marker = new SharedArrayBuffer(4);
      const flag = new Int32Array(marker);
      const controller = new AbortController();
      const task = pool.run(pool.task(TASKS, 'cleanUpAfterAbort'), [marker], { signal: controller.signal });
      await within(5_000, 'the task start', waitForWord(flag, 0));
      controller.abort();
      await expect(task).rejects.toBeInstanceOf(Cancelled);
      await within(5_000, 'the end of the task', task.ended);
      expect(Atomics.load(flag, 0), 'ended before the cleanup finished').toBe(2);
    });
  });

  it('waits for a cancelled task that never settles until its worker stops', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const marker = new SharedArrayBuffer(4);
      const controller = new AbortController();
      const stuck = pool.run(pool.task(TASKS, 'ignoreAbort'), [marker], { signal: controller.signal });
      await within(5_000, 'the task start', waitForWord(new Int32Array(marker), 0));
      let ended = false;
      void stuck.ended.then(() => {
        ended = true;
      });
      controller.abort();
      await expect(stuck).rejects.toBeInstanceOf(Cancelled);
      // The worker goes on with other tasks while the cancelled one is still pending in it.
      expect(await pool.run(pool.task(TASKS, 'addOne'), [1])).toBe(2);
      await new Promise((r) => setImmediate(r));
      expect(ended, 'ended while the worker still had the task').toBe(false);
      await within(10_000, 'close()', pool.close());
      await within(1_000, 'the end once the worker stopped', stuck.ended);
    });
  });

  it('completes after a crash, once the crash was handled', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const crash = pool.run(pool.task(TASKS, 'crash'), [3]);
      expect(await outcome(crash)).toBeInstanceOf(WorkerCrashedError);
      await within(5_000, 'the end of the crashed task', crash.ended);
      expect(pool.metrics().workers[0]?.crashes).toBe(1);
      expect(await pool.run(pool.task(TASKS, 'addOne'), [1])).toBe(2);
    });
  });

  it('completes after a cancelled task that never lets go of its thread, once its worker was replaced', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const blocker = gate();
      const source = new CancelSource();
      const spinning = pool.run(pool.task(TASKS, 'spinForever'), [blocker.buffer], { token: source.token });
      await blocker.started();
      source.cancel();
      expect(await outcome(spinning)).toBe(source.token.reason);
      await within(10_000, 'the end once the worker was terminated', spinning.ended);
      expect(await pool.run(pool.task(TASKS, 'addOne'), [1])).toBe(2);
    });
  });

  it('completes for every task a destroy() cut short', async () => {
    const { ThreadPool } = await import('../dist/pool/index.js');
    const pool = new ThreadPool({ workers: 1 });
    const blocker = gate();
    const held = pool.run(pool.task(TASKS, 'hold'), [blocker.buffer]);
    const queued = pool.run(pool.task(TASKS, 'addOne'), [1]);
    await blocker.started();
    await pool.destroy();
    expect(await outcome(held)).toBeInstanceOf(Cancelled);
    expect(await outcome(queued)).toBeInstanceOf(Cancelled);
    await within(1_000, 'the ends', Promise.all([held.ended, queued.ended]));
  });
});
