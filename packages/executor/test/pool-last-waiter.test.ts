import { bounded, Cancelled, CancelSource, type CancelToken, TimeoutError } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import { ThreadPool } from '../dist/pool/index.js';
import { gate, TASKS, TokenWaiter, waitForWord, within, withPool } from './pool-helpers.js';

describe('TaskResult: the last waiter withdrawn under a cancelled token cancels the task', () => {
  it('cancels the running task, answers pending, and hands the waiter its Cancelled once the worker stopped', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const marker = new SharedArrayBuffer(8);
      const flag = new Int32Array(marker);
      const result = pool.run(pool.task(TASKS, 'cleanUpAfterTokenCancel'), [marker]);
      await within(5_000, 'the task start', waitForWord(flag, 0));
      const halted = new CancelSource(); // the token of a fiber being halted
      const waiter = new TokenWaiter(halted.token);
      result.park(waiter);
      halted.cancel();
      expect(result.unpark(waiter)).toBe('pending');
      expect(waiter.delivered, 'the final outcome comes later').toBe(false);
      const final = await within(5_000, 'the final outcome', waiter.outcome);
      expect(Atomics.load(flag, 0), 'the outcome came before the worker stopped').toBe(2);
      expect(final.ok).toBe(false);
      expect(final.value).toBe(halted.token.reason); // a Cancelled for the waiter's own token
      expect(Atomics.load(flag, 1), 'the task saw its own token cancelled').toBe(1);
      await expect(result).rejects.toBe(halted.token.reason); // a later wait sees the same outcome
      await within(1_000, 'ended', result.ended);
      expect(await pool.run(pool.task(TASKS, 'addOne'), [1])).toBe(2);
      expect(pool.metrics().workers[0]?.crashes).toBe(0);
    });
  });

  it('cancels a task that never started and answers true: it has ended, nothing more comes', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const blocker = gate();
      const counter = new SharedArrayBuffer(4);
      const held = pool.run(pool.task(TASKS, 'hold'), [blocker.buffer]);
      await blocker.started();
      const queued = pool.run(pool.task(TASKS, 'mark'), [counter]);
      const halted = new CancelSource();
      const waiter = new TokenWaiter(halted.token);
      queued.park(waiter);
      halted.cancel();
      expect(queued.unpark(waiter)).toBe(true);
      await within(1_000, 'ended', queued.ended);
      await expect(queued).rejects.toBe(halted.token.reason);
      expect(waiter.delivered).toBe(false);
      blocker.release();
      expect(await held).toBe('released');
      expect(await pool.run(pool.task(TASKS, 'mark'), [counter]), 'the cancelled task never ran').toBe(1);
    });
  });

  it('leaves the task running when another waiter remains', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const blocker = gate();
      const result = pool.run(pool.task(TASKS, 'hold'), [blocker.buffer]);
      await blocker.started();
      const halted = new CancelSource();
      const leaving = new TokenWaiter(halted.token);
      const staying = new TokenWaiter(new CancelSource().token);
      result.park(leaving);
      result.park(staying);
      halted.cancel();
      expect(result.unpark(leaving)).toBe(true);
      blocker.release();
      expect(await within(5_000, 'the staying waiter', staying.outcome)).toEqual({
        ok: true,
        value: 'released',
      });
      expect(leaving.delivered).toBe(false);
    });
  });

  it('leaves no trace when a waiter under a live token is withdrawn (a select case that lost, a timed-out wait)', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const blocker = gate();
      const result = pool.run(pool.task(TASKS, 'hold'), [blocker.buffer]);
      await blocker.started();
      const loser = new TokenWaiter(new CancelSource().token);
      result.park(loser);
      expect(result.unpark(loser)).toBe(true);
      expect(pool.pending, 'the task still counts').toBe(1);
      blocker.release();
      expect(await within(5_000, 'the task', result)).toBe('released');
      await within(1_000, 'ended', result.ended);
      expect(loser.delivered).toBe(false);
    });
  });

  it('leaves the task running when one wait on it times out', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const blocker = gate();
      const result = pool.run(pool.task(TASKS, 'hold'), [blocker.buffer]);
      await blocker.started();
      await expect(bounded(result, { timeout: 1 })).rejects.toBeInstanceOf(TimeoutError);
      blocker.release();
      expect(await within(5_000, 'the task', result)).toBe('released');
    });
  });

  it("applies through a bounded() wait, whose relay carries the waiter's token", async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const marker = new SharedArrayBuffer(8);
      const flag = new Int32Array(marker);
      const result = pool.run(pool.task(TASKS, 'cleanUpAfterTokenCancel'), [marker]);
      await within(5_000, 'the task start', waitForWord(flag, 0));
      const wait = bounded(result, { timeout: 60_000 });
      const halted = new CancelSource();
      const waiter = new TokenWaiter(halted.token);
      wait.park(waiter);
      halted.cancel();
      expect(wait.unpark(waiter)).toBe('pending');
      const final = await within(5_000, 'the final outcome', waiter.outcome);
      expect(Atomics.load(flag, 0), 'the outcome came before the worker stopped').toBe(2);
      expect(final).toEqual({ ok: false, value: halted.token.reason });
    });
  });

  it('lets a waiter told pending go when it is withdrawn again (a forced halt); the task still ends', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const marker = new SharedArrayBuffer(8);
      const flag = new Int32Array(marker);
      const result = pool.run(pool.task(TASKS, 'cleanUpAfterTokenCancel'), [marker]);
      await within(5_000, 'the task start', waitForWord(flag, 0));
      const halted = new CancelSource();
      const waiter = new TokenWaiter(halted.token);
      result.park(waiter);
      halted.cancel();
      expect(result.unpark(waiter)).toBe('pending');
      expect(result.unpark(waiter)).toBe(true);
      expect(result.unpark(waiter), 'not parked any more').toBe(false);
      await within(5_000, 'ended', result.ended);
      expect(Atomics.load(flag, 0)).toBe(2);
      expect(waiter.delivered).toBe(false);
      await expect(result).rejects.toBeInstanceOf(Cancelled);
    });
  });
});

describe('TaskResult: what counts as a halted waiter', () => {
  it('leaves the task running when a wait that began under a cancelled token is withdrawn (cleanup code)', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const blocker = gate();
      const result = pool.run(pool.task(TASKS, 'hold'), [blocker.buffer]);
      await blocker.started();
      const cleanup = new CancelSource(); // the token of code that runs after its own cancel
      cleanup.cancel();
      const losingCase = new TokenWaiter(cleanup.token);
      result.park(losingCase);
      expect(result.unpark(losingCase), 'a select case that lost in cleanup code').toBe(true);
      const timedOut = new TokenWaiter(cleanup.token);
      bounded(result, { timeout: 1 }).park(timedOut);
      const gaveUp = await within(5_000, 'the timed-out wait', timedOut.outcome);
      expect(gaveUp.value).toBeInstanceOf(TimeoutError);
      expect(result.settled, 'neither withdrawal cancelled the task').toBe(false);
      expect(pool.pending).toBe(1);
      blocker.release();
      expect(await within(5_000, 'the task', result)).toBe('released');
    });
  });

  it('leaves no trace when a waiter is withdrawn while the outcome is being handed out', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const blocker = gate();
      const result = pool.run(pool.task(TASKS, 'hold'), [blocker.buffer]);
      await blocker.started();
      const halted = new CancelSource();
      const second = new TokenWaiter(halted.token);
      const answers: unknown[] = [];
      // The first waiter's delivery halts the second one before its turn comes.
      const first = new TokenWaiter(undefined, () => {
        halted.cancel();
        answers.push(result.unpark(second));
      });
      result.park(first);
      result.park(second);
      blocker.release();
      expect(await within(5_000, 'the first waiter', first.outcome)).toEqual({ ok: true, value: 'released' });
      expect(answers, 'withdrawn before its turn: no final outcome comes').toEqual([true]);
      await within(5_000, 'ended', result.ended);
      expect(second.delivered).toBe(false);
    });
  });
});

describe("TaskResult: a task cancelled by its call's token while a halted waiter waits", () => {
  /**
   * Runs a task that cleans up after its cancel under `callToken`, parks a waiter under
   * `waiterToken(source)` and one under a token nobody cancels, then cancels `source`.
   */
  async function cancelWhileWaited(pool: ThreadPool, waiterToken: (call: CancelSource) => CancelToken) {
    const marker = new SharedArrayBuffer(8);
    const flag = new Int32Array(marker);
    const call = new CancelSource();
    const result = pool.run(pool.task(TASKS, 'cleanUpAfterTokenCancel'), [marker], { token: call.token });
    await within(5_000, 'the task start', waitForWord(flag, 0));
    const halted = new TokenWaiter(waiterToken(call));
    const bystander = new TokenWaiter(new CancelSource().token);
    result.park(halted);
    result.park(bystander);
    call.cancel(); // the call's listener runs before anything withdraws the waiters
    expect(result.settled, 'the result rejects at the cancel').toBe(true);
    const cancelled = await within(1_000, 'the Cancelled of a waiter that was not halted', bystander.outcome);
    expect(cancelled).toEqual({ ok: false, value: call.token.reason });
    expect(halted.delivered, 'a halted waiter was handed the Cancelled while the worker cleans up').toBe(
      false,
    );
    return { result, halted, flag, call };
  }

  it("keeps a waiter halted by the call's own token until the worker stopped", async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const { result, halted, flag, call } = await cancelWhileWaited(pool, (call) => call.token);
      expect(result.unpark(halted), 'its halt arrives after the cancel').toBe('pending');
      const final = await within(5_000, 'the final outcome', halted.outcome);
      expect(Atomics.load(flag, 0), 'the outcome came before the worker stopped').toBe(2);
      expect(final).toEqual({ ok: false, value: call.token.reason });
      expect(result.unpark(halted), 'not parked any more').toBe(false);
      await within(1_000, 'ended', result.ended);
    });
  });

  it("keeps a waiter whose token is a grandchild of the call's, made after the call (a fiber's lazy token)", async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const { result, halted, flag, call } = await cancelWhileWaited(
        pool,
        (call) => new CancelSource(new CancelSource(call.token).token).token,
      );
      // Never withdrawn: it still gets the outcome, at the end.
      const final = await within(5_000, 'the final outcome', halted.outcome);
      expect(Atomics.load(flag, 0), 'the outcome came before the worker stopped').toBe(2);
      expect(final).toEqual({ ok: false, value: call.token.reason });
      await within(1_000, 'ended', result.ended);
    });
  });
});

describe('TaskResult: a waiter told pending, and the pool ending the task another way', () => {
  /** Starts a task that cleans up after its cancel, and halts its only waiter: the withdrawal answers 'pending'. */
  async function haltedWaiterOf(pool: ThreadPool, name: string) {
    const marker = new SharedArrayBuffer(8);
    const flag = new Int32Array(marker);
    const result = pool.run(pool.task(TASKS, name), [marker]);
    await within(5_000, 'the task start', waitForWord(flag, 0));
    const halted = new CancelSource();
    const waiter = new TokenWaiter(halted.token);
    result.park(waiter);
    halted.cancel();
    expect(result.unpark(waiter)).toBe('pending');
    return { result, waiter, flag, reason: halted.token.reason };
  }

  it('hands it the outcome once the crash of the worker was handled', async () => {
    await withPool({ workers: 1 }, async (pool) => {
      const { result, waiter, reason } = await haltedWaiterOf(pool, 'exitAfterTokenCancel');
      const final = await within(5_000, 'the final outcome', waiter.outcome);
      expect(pool.metrics().workers[0]?.crashes, 'it came once the worker had died').toBe(1);
      expect(final).toEqual({ ok: false, value: reason });
      await within(1_000, 'ended', result.ended);
      expect(
        await within(5_000, 'a task on the replacement', pool.run(pool.task(TASKS, 'addOne'), [1])),
      ).toBe(2);
    });
  });

  it('hands it the outcome when destroy() has terminated the worker', async () => {
    const pool = new ThreadPool({ workers: 1 });
    try {
      const { result, waiter, reason } = await haltedWaiterOf(pool, 'cleanUpAfterTokenCancel');
      const destroyed = pool.destroy();
      expect(waiter.delivered).toBe(false);
      await within(5_000, 'destroy()', destroyed);
      expect(await within(1_000, 'the final outcome', waiter.outcome)).toEqual({ ok: false, value: reason });
      await within(1_000, 'ended', result.ended);
    } finally {
      await pool.destroy();
    }
  });

  it('hands it the outcome when close() let the worker finish the cleanup', async () => {
    const pool = new ThreadPool({ workers: 1 });
    try {
      const { result, waiter, flag, reason } = await haltedWaiterOf(pool, 'cleanUpAfterTokenCancel');
      expect(pool.pending, 'close() does not wait for a settled task').toBe(0);
      await within(10_000, 'close()', pool.close());
      expect(await within(1_000, 'the final outcome', waiter.outcome)).toEqual({ ok: false, value: reason });
      expect(Atomics.load(flag, 0), 'the worker finished the cleanup before it exited').toBe(2);
      await within(1_000, 'ended', result.ended);
    } finally {
      await pool.destroy();
    }
  });
});
