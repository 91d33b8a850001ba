import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import {
  bounded,
  Cancelled,
  InvalidStateError,
  isWaitable,
  TimeoutError,
  type Waitable,
  type Waiter,
  type WaitOptions,
  waitFor,
} from '../src/index.js';
import { pendingTimers } from '../src/timers/timer.js';
import { Mailbox, OneShotEvent } from './support/waitables.js';

describe('wait protocol from async code', () => {
  it('await on an Operation parks a promise waiter and hands over the result', async () => {
    const event = new OneShotEvent<string>();
    const pending = Promise.all([waitFor(event), event.then((value) => `then ${value}`)]);
    expect(event.waiting).toBe(2);
    event.set('go');
    await expect(pending).resolves.toEqual(['go', 'then go']);
    expect(event.waiting).toBe(0);
  });

  it('a result that is ready completes the wait inside park (rule 1)', async () => {
    const event = new OneShotEvent<number>();
    event.set(7);
    expect(await event).toBe(7);
    expect(event.waiting).toBe(0);
  });

  it('waitFor with a timeout rejects with TimeoutError and withdraws the waiter', async () => {
    const event = new OneShotEvent<number>();
    const wait = waitFor(event, { timeout: 5 });
    expect(event.waiting).toBe(1);
    await expect(wait).rejects.toBeInstanceOf(TimeoutError);
    expect(event.waiting).toBe(0);
  });

  it('waitFor with an AbortSignal rejects with Cancelled carrying the reason', async () => {
    const event = new OneShotEvent<number>();
    const controller = new AbortController();
    const wait = waitFor(event, { signal: controller.signal });
    const reason = new Error('user left');
    controller.abort(reason);
    const error = await wait.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Cancelled);
    expect((error as Cancelled).cause).toBe(reason);
    expect(event.waiting).toBe(0);
  });

  it('an already aborted signal rejects without parking', async () => {
    const event = new OneShotEvent<number>();
    const wait = waitFor(event, { signal: AbortSignal.abort('gone') });
    expect(event.waiting).toBe(0);
    await expect(wait).rejects.toBeInstanceOf(Cancelled);
  });

  it('a result that arrives before the deadline wins; the timer and the abort listener go', async () => {
    vi.useFakeTimers();
    try {
      const event = new OneShotEvent<string>();
      const controller = new AbortController();
      const wait = waitFor(event, { timeout: 60_000, signal: controller.signal });
      expect(vi.getTimerCount()).toBe(1);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      event.set('in time');
      await expect(wait).resolves.toBe('in time');
      expect(vi.getTimerCount()).toBe(0);
      expect(pendingTimers()).toBe(0);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects a negative or NaN timeout at the call', () => {
    const event = new OneShotEvent<number>();
    expect(() => waitFor(event, { timeout: -1 })).toThrow(RangeError);
    expect(() => bounded(event, { timeout: Number.NaN })).toThrow(RangeError);
  });

  it('rule 3: a waiter that refuses a result leaves it for the next waiter', async () => {
    const mailbox = new Mailbox<string>();
    const controller = new AbortController();
    const cancelled = waitFor(mailbox, { signal: controller.signal }).catch((e: unknown) => e);
    const live = waitFor(mailbox);
    controller.abort();
    mailbox.put('letter');
    expect(await cancelled).toBeInstanceOf(Cancelled);
    await expect(live).resolves.toBe('letter');
    expect(mailbox.undelivered).toEqual([]);
  });

  it('rule 3: a refused result with nobody else waiting is kept for the next park', async () => {
    const mailbox = new Mailbox<number>();
    const refusing = {
      next: null,
      prev: null,
      owner: null,
      group: {},
      offered: [] as number[],
      claim: () => false,
      settle() {},
      release() {},
      wake(value: number) {
        this.offered.push(value);
        return false;
      },
      fail: () => false,
    };
    mailbox.park(refusing);
    mailbox.put(42);
    expect(refusing.offered).toEqual([42]);
    expect(mailbox.undelivered).toEqual([42]);
    expect(await mailbox).toBe(42);
    expect(mailbox.undelivered).toEqual([]);
  });

  it('bounded() is an Operation that both awaits and withdraws', async () => {
    const event = new OneShotEvent<string>();
    const withDeadline = bounded(event, { timeout: 5 });
    expect(isWaitable(withDeadline)).toBe(true);
    await expect(withDeadline).rejects.toBeInstanceOf(TimeoutError);
    expect(event.waiting).toBe(0);
    const second = bounded(event, { timeout: 60_000 });
    const value = second.then((v) => v);
    event.set('done');
    await expect(value).resolves.toBe('done');
  });

  it('one bounded() operation awaited twice settles both waits', async () => {
    const event = new OneShotEvent<string>();
    const withDeadline = bounded(event, { timeout: 60_000 });
    const both = Promise.all([withDeadline.then((v) => v), withDeadline.then((v) => v)]);
    expect(event.waiting).toBe(2);
    event.set('both');
    await expect(both).resolves.toEqual(['both', 'both']);
  });

  it('one bounded() operation awaited twice times each wait out on its own', async () => {
    const event = new OneShotEvent<string>();
    const withDeadline = bounded(event, { timeout: 5 });
    const first = withDeadline.then((v) => v);
    const second = withDeadline.then((v) => v);
    await expect(first).rejects.toBeInstanceOf(TimeoutError);
    await expect(second).rejects.toBeInstanceOf(TimeoutError);
    expect(event.waiting).toBe(0);
  });

  it('withdrawing one of two waits on a bounded() operation leaves the other parked', () => {
    const mailbox = new Mailbox<number>();
    const withDeadline = bounded(mailbox, { timeout: 60_000 });
    const first = recordingWaiter<number>();
    const second = recordingWaiter<number>();
    withDeadline.park(first);
    withDeadline.park(second);
    expect(withDeadline.unpark(first)).toBe(true);
    expect(withDeadline.unpark(first)).toBe(false);
    mailbox.put(9);
    expect(first.woken).toEqual([]);
    expect(second.woken).toEqual([9]);
    expect(withDeadline.unpark(second)).toBe(false);
  });

  it('parking the same waiter twice on a bounded() operation is an InvalidStateError', () => {
    const withDeadline = bounded(new OneShotEvent<number>(), { timeout: 60_000 });
    const waiter = recordingWaiter<number>();
    withDeadline.park(waiter);
    expect(() => withDeadline.park(waiter)).toThrow(InvalidStateError);
    withDeadline.unpark(waiter);
  });

  it('a bounded wait forwards timed and describe() from what it wraps', () => {
    const plain = new OneShotEvent<number>();
    const described = Object.assign(new OneShotEvent<number>(), { describe: () => 'Mutex.lock()' });
    const timed = Object.assign(new OneShotEvent<number>(), { timed: true });
    const signal = new AbortController().signal;
    const wrap = (inner: Waitable<number>, options: WaitOptions): Waitable<number> => bounded(inner, options);
    expect(wrap(described, { timeout: 50 }).describe?.()).toBe('Mutex.lock() (timeout 50 ms)');
    expect(wrap(described, { timeout: 50, signal }).describe?.()).toBe(
      'Mutex.lock() (timeout 50 ms, abortable)',
    );
    expect(wrap(plain, { signal }).describe?.()).toBe('OneShotEvent (abortable)');
    expect(wrap(plain, { timeout: 50 }).timed).toBe(true);
    expect(wrap(plain, { signal }).timed).toBe(false);
    expect(wrap(timed, { signal }).timed).toBe(true);
  });

  it('isWaitable recognises the protocol only', () => {
    expect(isWaitable(new OneShotEvent())).toBe(true);
    expect(isWaitable({ park() {} })).toBe(false);
    expect(isWaitable(null)).toBe(false);
    expect(isWaitable(Promise.resolve())).toBe(false);
  });
});

/** A waiter that accepts every result and records it. */
function recordingWaiter<T>(): Waiter<T> & { woken: T[] } {
  const woken: T[] = [];
  return {
    next: null,
    prev: null,
    owner: null,
    group: {},
    woken,
    claim: () => true,
    settle: (ok, value) => {
      if (ok) woken.push(value as T);
    },
    release() {},
    wake: (value) => woken.push(value) > 0,
    fail: () => true,
  };
}

describe('waitFor and bounded check what they wait on', () => {
  it('a value that is not a Waitable is a TypeError at the call', () => {
    expect(() => waitFor(123 as never)).toThrow(TypeError);
    expect(() => bounded(null as never, { timeout: 5 })).toThrow(TypeError);
    expect(() => bounded({ park() {} } as never)).toThrow(TypeError);
  });
});
