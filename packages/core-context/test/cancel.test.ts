import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CancelCallback,
  type CancelListener,
  Cancelled,
  CancelSource,
  CancelToken,
  NEVER_CANCELLED,
  TimeoutError,
} from '../src/index.js';
import { pendingTimers } from '../src/timers/timer.js';

/** A listener that records what it was told. */
function recorder(log: string[], name: string, onCancel?: () => void): CancelListener {
  return {
    next: null,
    prev: null,
    owner: null,
    onCancel(reason) {
      log.push(`${name}: ${reason.message}`);
      onCancel?.();
    },
  };
}

describe('CancelSource and CancelToken', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a token is made by its source only', () => {
    expect(() => new (CancelToken as unknown as new (d: number) => CancelToken)(0)).toThrow(TypeError);
  });

  it('cancel() marks the token, gives it a Cancelled for itself, calls each listener once, in order', () => {
    const source = new CancelSource();
    const { token } = source;
    const log: string[] = [];
    const a = recorder(log, 'a');
    const b = recorder(log, 'b');
    expect(token.listen(a)).toBe(true);
    expect(token.listen(b)).toBe(true);
    expect(token.cancelled).toBe(false);
    expect(token.reason).toBeUndefined();
    expect(() => token.throwIfCancelled()).not.toThrow();

    const why = new Error('user pressed stop');
    source.cancel(why);
    expect(token.cancelled).toBe(true);
    expect(token.reason).toBeInstanceOf(Cancelled);
    expect(token.reason!.token).toBe(token);
    expect(token.reason!.cause).toBe(why);
    expect(log).toEqual(['a: The operation was cancelled', 'b: The operation was cancelled']);
    expect(() => token.throwIfCancelled()).toThrow(token.reason);

    source.cancel(new Error('again'));
    expect(token.reason!.cause).toBe(why);
    expect(log).toHaveLength(2);
    expect(token.listen(recorder(log, 'late'))).toBe(false);
    expect(log).toHaveLength(2);
  });

  it('an unlistened listener is not called; unlisten says whether it was linked', () => {
    const source = new CancelSource();
    const log: string[] = [];
    const a = recorder(log, 'a');
    source.token.listen(a);
    expect(source.token.unlisten(a)).toBe(true);
    expect(source.token.unlisten(a)).toBe(false);
    source.cancel();
    expect(log).toEqual([]);
  });

  it('a Cancelled for this token passed to cancel() is kept as the reason', () => {
    const source = new CancelSource();
    const own = new Cancelled('shutting down', { token: source.token });
    source.cancel(own);
    expect(source.token.reason).toBe(own);
  });

  it('children are cancelled with their parent, never the reverse; each reason names its own token', () => {
    const root = new CancelSource();
    const child = new CancelSource(root.token);
    const grandchild = new CancelSource(child.token);
    const sibling = new CancelSource(root.token);

    grandchild.cancel('just me');
    expect(grandchild.token.cancelled).toBe(true);
    expect(child.token.cancelled).toBe(false);
    expect(root.token.cancelled).toBe(false);

    const log: string[] = [];
    child.token.listen(recorder(log, 'child'));
    sibling.token.listen(recorder(log, 'sibling'));
    root.cancel('stop all');
    for (const source of [child, sibling]) {
      expect(source.token.cancelled).toBe(true);
      expect(source.token.reason!.token).toBe(source.token);
      expect(source.token.reason!.cause).toBe(root.token.reason);
    }
    expect(log.sort()).toEqual([
      'child: The operation was cancelled',
      'sibling: The operation was cancelled',
    ]);
  });

  it('a child of a cancelled parent starts cancelled', () => {
    const root = new CancelSource();
    root.cancel();
    const child = new CancelSource(root.token);
    expect(child.token.cancelled).toBe(true);
    expect(child.token.reason!.cause).toBe(root.token.reason);
  });

  it('cancels a 20,000-deep chain and a 10,000-wide tree without recursion, each listener once', () => {
    const root = new CancelSource();
    let calls = 0;
    const count = (): CancelListener => ({
      next: null,
      prev: null,
      owner: null,
      onCancel: () => {
        calls++;
      },
    });
    let parent = root.token;
    for (let i = 0; i < 20_000; i++) {
      const source = new CancelSource(parent);
      source.token.listen(count());
      parent = source.token;
    }
    for (let i = 0; i < 10_000; i++) new CancelSource(root.token).token.listen(count());
    root.cancel();
    expect(calls).toBe(30_000);
    expect(parent.cancelled).toBe(true);
  });

  it('a listener that throws does not stop the others; cancel() then throws its error', () => {
    const source = new CancelSource();
    const log: string[] = [];
    const boom = new Error('listener broke');
    source.token.listen(
      recorder(log, 'first', () => {
        throw boom;
      }),
    );
    source.token.listen(recorder(log, 'second'));
    expect(() => source.cancel()).toThrow(boom);
    expect(log).toHaveLength(2);
    expect(source.token.cancelled).toBe(true);
  });

  it('a listener may cancel another source while cancellation drains: it is cancelled too', () => {
    const a = new CancelSource();
    const b = new CancelSource();
    a.token.listen(recorder([], 'a', () => b.cancel('from a')));
    a.cancel();
    expect(b.token.cancelled).toBe(true);
  });

  it('signal: made on first read, aborted with the token reason (also when read after the cancel)', () => {
    const early = new CancelSource();
    const signal = early.token.signal;
    expect(signal.aborted).toBe(false);
    expect(early.token.signal).toBe(signal);
    early.cancel();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(early.token.reason);

    const late = new CancelSource();
    late.cancel();
    expect(late.token.signal.aborted).toBe(true);
    expect(late.token.signal.reason).toBe(late.token.reason);
  });

  it('bridges an AbortSignal parent, also one aborted already; dispose() detaches', () => {
    const controller = new AbortController();
    const bridged = new CancelSource(controller.signal);
    const detached = new CancelSource(controller.signal);
    detached.dispose();
    controller.abort('bye');
    expect(bridged.token.cancelled).toBe(true);
    expect(bridged.token.reason!.cause).toBe('bye');
    expect(detached.token.cancelled).toBe(false);
    expect(new CancelSource(controller.signal).token.reason!.cause).toBe('bye');
  });

  it('dispose() detaches a child from its parent: the parent no longer cancels it', () => {
    const root = new CancelSource();
    const child = new CancelSource(root.token);
    child.dispose();
    root.cancel();
    expect(child.token.cancelled).toBe(false);
    child.cancel('own');
    expect(child.token.cancelled).toBe(true);
  });

  it('a timeout cancels by itself with a TimeoutError cause, on the shared timer heap', () => {
    vi.useFakeTimers({ now: 1_000 });
    const timed = new CancelSource(null, { timeout: 50 });
    expect(timed.token.deadline).toBe(1_050);
    const child = new CancelSource(timed.token, { timeout: 500 });
    expect(child.token.deadline).toBe(1_050);
    expect(pendingTimers()).toBe(2);
    vi.advanceTimersByTime(49);
    expect(timed.token.cancelled).toBe(false);
    vi.advanceTimersByTime(1);
    expect(timed.token.cancelled).toBe(true);
    expect(timed.token.reason!.cause).toBeInstanceOf(TimeoutError);
    expect(child.token.cancelled).toBe(true);
    expect(pendingTimers()).toBe(0);
  });

  it('a deadline cancels at that time; dispose() and cancel() disarm the timer', () => {
    vi.useFakeTimers({ now: 0 });
    const atDeadline = new CancelSource(undefined, { deadline: 30 });
    const disposed = new CancelSource(undefined, { timeout: 10 });
    const cancelled = new CancelSource(undefined, { timeout: 10 });
    expect(pendingTimers()).toBe(3);
    disposed.dispose();
    cancelled.cancel();
    expect(pendingTimers()).toBe(1);
    vi.advanceTimersByTime(30);
    expect(atDeadline.token.cancelled).toBe(true);
    expect(disposed.token.cancelled).toBe(false);
    expect(pendingTimers()).toBe(0);
  });

  it('a past deadline cancels on the next timer turn; no deadline reads Infinity', () => {
    vi.useFakeTimers({ now: 100 });
    const past = new CancelSource(undefined, { deadline: 50 });
    expect(past.token.cancelled).toBe(false);
    vi.advanceTimersByTime(0);
    expect(past.token.cancelled).toBe(true);
    expect(new CancelSource().token.deadline).toBe(Number.POSITIVE_INFINITY);
  });

  it('rejects bad arguments at the call', () => {
    expect(() => new CancelSource({} as AbortSignal)).toThrow(TypeError);
    expect(() => new CancelSource(null, { timeout: -1 })).toThrow(RangeError);
    expect(() => new CancelSource(null, { timeout: Number.NaN })).toThrow(RangeError);
    expect(() => new CancelSource(null, { deadline: Number.NaN })).toThrow(RangeError);
    expect(() => new CancelSource(null, { timeout: 1, deadline: 2 })).toThrow(TypeError);
    expect(() => new CancelSource(null, 5 as never)).toThrow(TypeError);
  });

  it('NEVER_CANCELLED is a root nobody can cancel', () => {
    expect(NEVER_CANCELLED.cancelled).toBe(false);
    expect(NEVER_CANCELLED.deadline).toBe(Number.POSITIVE_INFINITY);
    const shielded = new CancelSource(NEVER_CANCELLED);
    expect(shielded.token.cancelled).toBe(false);
  });
});

describe('review: tokens that cannot be cancelled, bad input', () => {
  it('listening on NEVER_CANCELLED links nothing, and sources made under it are not kept by it', () => {
    const listener = new CancelCallback(() => {});
    expect(NEVER_CANCELLED.listen(listener)).toBe(true);
    expect(listener.owner).toBeNull();
    expect(NEVER_CANCELLED.unlisten(listener)).toBe(false);
    const source = new CancelSource(NEVER_CANCELLED);
    const child = new CancelCallback(() => {});
    expect(source.token.listen(child)).toBe(true);
    expect(child.owner).not.toBeNull(); // an ordinary token links
    source.cancel();
    expect(source.token.cancelled).toBe(true);
    expect(NEVER_CANCELLED.cancelled).toBe(false);
  });

  it('a CancelCallback needs a function, at the call', () => {
    expect(() => new CancelCallback(42 as never)).toThrow(TypeError);
  });

  it('a CancelToken cannot be made directly, in types or at run time', () => {
    // @ts-expect-error the constructor is private
    expect(() => new CancelToken(0, true)).toThrow(TypeError);
  });
});
