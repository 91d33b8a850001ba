import {
  bounded,
  Cancelled,
  CancelSource,
  type CancelToken,
  SingleWaiter,
  TimeoutError,
} from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import { gate, TASKS, waitForWord, within, withPool } from './pool-helpers.js';

/**
 * A plain waiter that waits under a token, as a fiber does (the fiber package adds the real
 * fiber test): `outcome` resolves with what it was handed.
 */
class TokenWaiter extends SingleWaiter<unknown> {
  readonly outcome: Promise<{ ok: boolean; value: unknown }>;
  private record!: (outcome: { ok: boolean; value: unknown }) => void;
  delivered = false;

  constructor(readonly token: CancelToken) {
    super();
    this.outcome = new Promise((resolve) => {
      this.record = resolve;
    });
  }

  protected deliver(ok: boolean, value: unknown): void {
    this.delivered = true;
    this.record({ ok, value });
  }
}

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
