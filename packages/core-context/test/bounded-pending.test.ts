import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  bounded,
  Cancelled,
  CancelSource,
  checkWaitOptions,
  Operation,
  SingleWaiter,
  type UnparkResult,
  type Waitable,
  type Waiter,
  waitFor,
} from '../src/index.js';
import { LateCancel as LaterCancel } from './support/late-cancel.js';
import { Mailbox } from './support/waitables.js';

/**
 * A waitable whose withdrawal finishes on a later turn, as an io_uring cancel does: `unpark`
 * answers 'pending', and the one final outcome (the value, if the operation won the race,
 * else a failure) comes from `setImmediate`.
 */
class LateCancel<T> extends Operation<T> {
  waiter: Waiter<T> | null = null;
  unparks = 0;

  constructor(private readonly finalOutcome: { value: T } | { error: Error }) {
    super();
  }

  park(waiter: Waiter<T>): void {
    this.waiter = waiter;
  }

  unpark(waiter: Waiter<T>): UnparkResult {
    if (this.waiter !== waiter) return false;
    this.unparks++;
    setImmediate(() => {
      this.waiter = null;
      if ('value' in this.finalOutcome) waiter.wake(this.finalOutcome.value);
      else waiter.fail(this.finalOutcome.error);
    });
    return 'pending';
  }
}

/** Waits a few turns and says whether `promise` settled meanwhile. */
async function settledWithin(promise: Promise<unknown>, turns: number): Promise<boolean> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (let i = 0; i < turns && !settled; i++) await Promise.resolve();
  return settled;
}

describe('WaitOptions.token', () => {
  it('a cancelled token ends the wait with its own Cancelled and withdraws the waiter', async () => {
    const mailbox = new Mailbox<number>();
    const source = new CancelSource();
    const wait = waitFor(mailbox, { token: source.token });
    expect(mailbox.waiting).toBe(1);
    source.cancel('stop');
    await expect(wait).rejects.toBe(source.token.reason);
    expect(mailbox.waiting).toBe(0);
    mailbox.put(1);
    expect(mailbox.undelivered).toEqual([1]);
  });

  it('an already cancelled token fails at once without parking', async () => {
    const mailbox = new Mailbox<number>();
    const source = new CancelSource();
    source.cancel();
    await expect(waitFor(mailbox, { token: source.token })).rejects.toBe(source.token.reason);
    expect(mailbox.waiting).toBe(0);
  });

  it('a wait that completes unlinks from its token: a later cancel touches nothing', async () => {
    const mailbox = new Mailbox<number>();
    const source = new CancelSource();
    const wait = waitFor(mailbox, { token: source.token, timeout: 10_000 });
    mailbox.put(7);
    expect(await wait).toBe(7);
    expect(() => source.cancel()).not.toThrow();
    mailbox.put(8);
    expect(mailbox.undelivered).toEqual([8]);
  });

  it('checkWaitOptions rejects a token that is not a CancelToken', () => {
    expect(() => checkWaitOptions({ token: {} as never }, 'X.wait')).toThrow(TypeError);
    expect(() => checkWaitOptions({ token: new AbortController().signal as never }, 'X.wait')).toThrow(
      /token must be a CancelToken/,
    );
    expect(() => waitFor(new Mailbox(), { token: 5 as never })).toThrow(TypeError);
  });
});

describe('bounded()', () => {
  it('with no limits returns the operation itself; a plain Waitable is wrapped', () => {
    const mailbox = new Mailbox<number>();
    expect(bounded(mailbox)).toBe(mailbox);
    expect(bounded(mailbox, {})).toBe(mailbox);
    expect(bounded(mailbox, { timeout: 5 })).not.toBe(mailbox);
    const plain: Waitable<number> = { park: (w) => mailbox.park(w), unpark: (w) => mailbox.unpark(w) };
    expect(bounded(plain)).toBeInstanceOf(Operation);
  });

  it('is selectable exactly when what it wraps is', () => {
    const selectable = Object.assign(new Mailbox<number>(), { selectable: true });
    const selectableOf = (waitable: Waitable<number>) => waitable.selectable;
    expect(selectableOf(bounded(selectable, { timeout: 5 }))).toBe(true);
    expect(selectableOf(bounded(new Mailbox<number>(), { timeout: 5 }))).toBe(false);
  });

  it('each wait on one bounded operation is its own wait', async () => {
    const mailbox = new Mailbox<number>();
    const source = new CancelSource();
    const op = bounded(mailbox, { token: source.token });
    const first = waitFor(op);
    const second = waitFor(op);
    expect(mailbox.waiting).toBe(2);
    mailbox.put(1);
    mailbox.put(2);
    expect([await first, await second]).toEqual([1, 2]);
  });
});

describe("the 'pending' unpark outcome", () => {
  it('a limit that fires on a pending withdrawal waits for the final outcome, then fails with its own error', async () => {
    const late = new LateCancel<number>({ error: new Error('ECANCELED') });
    const source = new CancelSource();
    const wait = waitFor(late, { token: source.token });
    source.cancel();
    expect(late.unparks).toBe(1);
    expect(await settledWithin(wait, 20)).toBe(false);
    await expect(wait).rejects.toBe(source.token.reason);
    expect(late.waiter).toBeNull();
  });

  it('a final value that won the race is delivered: nothing is lost', async () => {
    const late = new LateCancel<string>({ value: 'read 512 bytes' });
    const source = new CancelSource();
    const wait = waitFor(late, { token: source.token });
    source.cancel();
    expect(await wait).toBe('read 512 bytes');
  });

  it('a second limit firing while a withdrawal is pending does not unpark twice', async () => {
    const late = new LateCancel<number>({ error: new Error('ECANCELED') });
    const source = new CancelSource();
    const controller = new AbortController();
    const wait = waitFor(late, { token: source.token, signal: controller.signal });
    source.cancel();
    controller.abort();
    await expect(wait).rejects.toBeInstanceOf(Cancelled);
    expect(late.unparks).toBe(1);
  });

  it('a bounded wait withdrawn by its caller passes the pending answer on', async () => {
    const late = new LateCancel<number>({ error: new Error('ECANCELED') });
    const op = bounded(late, { timeout: 10_000 });
    const outcomes: string[] = [];
    const outer: Waiter<number> = {
      next: null,
      prev: null,
      owner: null,
      group: {},
      claim: () => true,
      settle: (ok, outcome) => void outcomes.push(`${ok}: ${(outcome as Error).message}`),
      release() {},
      wake: (value) => outcomes.push(`woken ${value}`) > 0,
      fail: (error) => outcomes.push(`failed: ${(error as Error).message}`) > 0,
    };
    op.park(outer);
    expect(op.unpark(outer)).toBe('pending');
    expect(outcomes).toEqual([]);
    await nextTurn();
    expect(outcomes).toEqual(['failed: ECANCELED']);
    expect(op.unpark(outer)).toBe(false);
  });
});

describe('claims through a relayed wait', () => {
  it('a bounded wait passes claim, release and group through to the caller’s waiter', async () => {
    let parked: Waiter<number> | null = null;
    const spy: Waitable<number> = {
      park: (w) => {
        parked = w;
      },
      unpark: () => false,
    };
    const wait = waitFor(spy, { timeout: 10_000 });
    const relay = parked! as Waiter<number>;
    expect(relay.group).not.toBe(relay);
    expect(relay.claim()).toBe(true);
    expect(relay.claim()).toBe(false);
    relay.release();
    expect(relay.claim()).toBe(true);
    relay.settle(true, 42);
    expect(await wait).toBe(42);
    expect(relay.claim()).toBe(false);
  });
});

/** A recording waiter for driving park/unpark by hand. */
class Recorder extends SingleWaiter<unknown> {
  outcome: { ok: boolean; value: unknown } | null = null;

  protected deliver(ok: boolean, value: unknown): void {
    this.outcome = { ok, value };
  }
}

describe('a bounded wait whose caller withdrew with pending', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('disarms its limits: a later timeout neither unparks again nor replaces the final outcome', () => {
    vi.useFakeTimers();
    const late = new LaterCancel<string>();
    const unpark = vi.spyOn(late, 'unpark');
    const source = new CancelSource();
    const op = bounded(late, { timeout: 10, token: source.token });
    const waiter = new Recorder();
    op.park(waiter);
    expect(op.unpark(waiter)).toBe('pending');
    expect(op.unpark(waiter)).toBe('pending'); // asked again: the inner is not asked twice
    vi.advanceTimersByTime(20);
    source.cancel();
    expect(unpark).toHaveBeenCalledTimes(1);
    expect(waiter.outcome).toBeNull();
    late.finishCancelled();
    expect(waiter.outcome).toEqual({ ok: false, value: new Error('cancelled late') });
    expect(op.unpark(waiter)).toBe(false);
  });
});

describe('a relayed wait whose park throws', () => {
  it('forgets the waiter, so it can park again', () => {
    let throws = true;
    const mailbox = new Mailbox<number>();
    const flaky: Waitable<number> = {
      park(waiter) {
        if (throws) throw new Error('park failed');
        mailbox.park(waiter);
      },
      unpark: (waiter) => mailbox.unpark(waiter),
    };
    const op = bounded(flaky, { timeout: 1000 });
    const waiter = new Recorder();
    expect(() => op.park(waiter)).toThrow('park failed');
    expect(op.unpark(waiter)).toBe(false);
    throws = false;
    op.park(waiter);
    mailbox.put(7);
    expect(waiter.outcome).toEqual({ ok: true, value: 7 });
  });
});
