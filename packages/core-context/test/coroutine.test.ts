// biome-ignore-all lint/correctness/useYield: coroutines that finish without suspending are cases under test
import { describe, expect, it } from 'vitest';
import { Coroutine, InvalidStateError } from '../src/index.js';

function* counter(start: number): Generator<number, string, number> {
  let total = start;
  for (;;) {
    const step = yield total;
    if (step === 0) return `total ${total}`;
    total += step;
  }
}

describe('Coroutine', () => {
  it('starts on the first resume with that value and hands values both ways', () => {
    const co = new Coroutine(counter);
    expect(co.status).toBe('created');
    expect(co.resume(10)).toBe(10);
    expect(co.status).toBe('suspended');
    expect(co.resume(5)).toBe(15);
    expect(co.resume(2)).toBe(17);
    expect(co.resume(0)).toBe('total 17');
    expect(co.status).toBe('done');
  });

  it('reports running while its body runs', () => {
    const seen: string[] = [];
    const co: Coroutine<void, void> = new Coroutine(function* () {
      seen.push(co.status);
      yield;
      seen.push(co.status);
    });
    co.resume();
    co.resume();
    expect(seen).toEqual(['running', 'running']);
    expect(co.status).toBe('done');
  });

  it('throws an error of the body at the resumer and becomes failed', () => {
    const boom = new Error('boom');
    const co = new Coroutine(function* () {
      yield 1;
      throw boom;
    });
    co.resume();
    expect(() => co.resume()).toThrow(boom);
    expect(co.status).toBe('failed');
    expect(co.error).toBe(boom);
  });

  it('fails when the body throws before its first yield', () => {
    const co = new Coroutine(function* () {
      throw new RangeError('early');
    });
    expect(() => co.resume()).toThrow(RangeError);
    expect(co.status).toBe('failed');
  });

  it('refuses to resume a finished coroutine with InvalidStateError', () => {
    const co = new Coroutine(function* () {
      return 'x';
    });
    expect(co.resume()).toBe('x');
    expect(() => co.resume()).toThrow(InvalidStateError);
    expect(() => co.resume()).toThrow(/has finished/);
  });

  it('refuses to resume a failed coroutine and keeps the original error as cause', () => {
    const boom = new Error('boom');
    const co = new Coroutine(function* () {
      throw boom;
    });
    expect(() => co.resume()).toThrow(boom);
    try {
      co.resume();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidStateError);
      expect((error as InvalidStateError).message).toMatch(/failed/);
      expect((error as InvalidStateError).cause).toBe(boom);
      expect((error as InvalidStateError).code).toBe('ERR_SPINDLE_INVALID_STATE');
    }
  });

  it('refuses to be resumed from inside its own body', () => {
    let caught: unknown;
    const co: Coroutine = new Coroutine(function* () {
      try {
        co.resume();
      } catch (error) {
        caught = error;
      }
      yield 'after';
    });
    expect(co.resume()).toBe('after');
    expect(caught).toBeInstanceOf(InvalidStateError);
    expect((caught as Error).message).toMatch(/running/);
    expect(co.status).toBe('suspended');
  });

  it('cancel() runs the finally blocks of a suspended body, innermost first', () => {
    const log: string[] = [];
    const co = new Coroutine(function* () {
      try {
        try {
          yield 1;
          log.push('not reached');
        } finally {
          log.push('inner');
        }
      } finally {
        log.push('outer');
      }
    });
    co.resume();
    expect(co.cancel()).toBeUndefined();
    expect(log).toEqual(['inner', 'outer']);
    expect(co.status).toBe('done');
    expect(co.cancelling).toBe(true);
    expect(() => co.resume()).toThrow(InvalidStateError);
  });

  it('cancel() of a coroutine that never started does not run its body', () => {
    let ran = false;
    const co = new Coroutine(function* () {
      ran = true;
      yield;
    });
    co.cancel();
    expect(ran).toBe(false);
    expect(co.status).toBe('done');
  });

  it('cancel() is a no-op on a finished coroutine', () => {
    const co = new Coroutine(function* () {
      return 1;
    });
    co.resume();
    expect(co.cancel()).toBeUndefined();
    expect(co.status).toBe('done');
    expect(co.cancelling).toBe(false);
  });

  it('a finally block that yields suspends the cancel; resuming finishes the cleanup', () => {
    const log: string[] = [];
    const co = new Coroutine(function* () {
      try {
        yield 'work';
      } finally {
        const answer = yield 'cleanup';
        log.push(`cleanup got ${String(answer)}`);
      }
    });
    co.resume();
    expect(co.cancel()).toBe('cleanup');
    expect(co.status).toBe('suspended');
    expect(co.cancelling).toBe(true);
    expect(co.resume('ack')).toBeUndefined();
    expect(co.status).toBe('done');
    expect(log).toEqual(['cleanup got ack']);
  });

  it('a second cancel() forces the unwind past a yielding finally; outer finally blocks still run', () => {
    const log: string[] = [];
    const co = new Coroutine(function* () {
      try {
        try {
          yield 'work';
        } finally {
          yield 'cleanup';
          log.push('rest of inner cleanup');
        }
      } finally {
        log.push('outer');
      }
    });
    co.resume();
    co.cancel();
    expect(co.cancel()).toBeUndefined();
    expect(co.status).toBe('done');
    expect(log).toEqual(['outer']);
  });

  it('an error thrown by a finally block during cancel reaches the canceller', () => {
    const co = new Coroutine(function* () {
      try {
        yield;
      } finally {
        // biome-ignore lint/correctness/noUnsafeFinally: the behaviour under test
        throw new Error('cleanup failed');
      }
    });
    co.resume();
    expect(() => co.cancel()).toThrow('cleanup failed');
    expect(co.status).toBe('failed');
  });

  it('cannot be cancelled from inside its running body', () => {
    let caught: unknown;
    const co: Coroutine = new Coroutine(function* () {
      try {
        co.cancel();
      } catch (error) {
        caught = error;
      }
    });
    co.resume();
    expect(caught).toBeInstanceOf(InvalidStateError);
    expect(co.status).toBe('done');
  });

  it('throwInto() raises an error at the yield the body is suspended at', () => {
    const co = new Coroutine(function* () {
      try {
        yield 'waiting';
      } catch (error) {
        return `handled ${(error as Error).message}`;
      }
      return 'not handled';
    });
    co.resume();
    expect(co.throwInto(new Error('wait failed'))).toBe('handled wait failed');
    expect(co.status).toBe('done');
  });

  it('throwInto() an unstarted coroutine fails it without running the body', () => {
    let ran = false;
    const co = new Coroutine(function* () {
      ran = true;
    });
    const error = new Error('never started');
    expect(() => co.throwInto(error)).toThrow(error);
    expect(ran).toBe(false);
    expect(co.status).toBe('failed');
  });

  it('rejects a body that is not a function or does not return a generator', () => {
    expect(() => new Coroutine(42 as never)).toThrow(TypeError);
    const co = new Coroutine((() => 5) as never);
    expect(() => co.resume()).toThrow(/generator function/);
    expect(co.status).toBe('failed');
  });

  it('rejects an async generator function: its steps are promises, not yields', () => {
    const co = new Coroutine(async function* () {
      yield 1;
    } as never);
    expect(() => co.resume()).toThrow(/async generator/);
    expect(co.status).toBe('failed');
  });

  it('fails when calling the body throws before a generator exists', () => {
    const co = new Coroutine((() => {
      throw new SyntaxError('bad body');
    }) as never);
    expect(() => co.resume()).toThrow(SyntaxError);
    expect(co.status).toBe('failed');
    expect(() => co.resume()).toThrow(InvalidStateError);
  });
});
