import { describe, expect, expectTypeOf, it } from 'vitest';
import { Operation, type Waiter } from '../src/index.js';
import { OneShotEvent } from './support/waitables.js';

/** An operation that counts its parks and settles each waiter with `outcome` at once. */
class Immediate<T> extends Operation<T> {
  parks = 0;

  constructor(private readonly outcome: { value: T } | { error: unknown }) {
    super();
  }

  park(waiter: Waiter<T>): void {
    this.parks++;
    if ('value' in this.outcome) waiter.wake(this.outcome.value);
    else waiter.fail(this.outcome.error);
  }

  unpark(): boolean {
    return false;
  }
}

describe('Operation as a promise', () => {
  it('has catch: a failure reaches the handler, a result passes through', async () => {
    const failing = new Immediate<number>({ error: new RangeError('bad') });
    await expect(failing.catch((error: Error) => `caught ${error.message}`)).resolves.toBe('caught bad');
    await expect(new Immediate({ value: 4 }).catch(() => 0)).resolves.toBe(4);
  });

  it('has finally: the callback runs, the outcome passes through', async () => {
    const ran: string[] = [];
    await expect(new Immediate({ value: 'v' }).finally(() => ran.push('after value'))).resolves.toBe('v');
    const failing = new Immediate({ error: new Error('boom') });
    await expect(failing.finally(() => ran.push('after error'))).rejects.toThrow('boom');
    expect(ran).toEqual(['after value', 'after error']);
  });

  it('stays lazy: nothing parks until then, catch or finally is called, and each call parks once', () => {
    const event = new OneShotEvent<number>();
    expect(event.waiting).toBe(0);
    void event.catch(() => {});
    expect(event.waiting).toBe(1);
    void event.finally(() => {});
    expect(event.waiting).toBe(2);
    void event.then(() => {});
    expect(event.waiting).toBe(3);
    event.set(1);
    expect(event.waiting).toBe(0);
  });

  it('makes every then, catch, finally and await a wait of its own (the documented idiom)', async () => {
    const op = new Immediate<number>({ value: 1 });
    // op.catch(h) is the whole wait: awaiting its result parks once.
    expect(await op.catch(() => 0)).toBe(1);
    expect(op.parks).toBe(1);
    // op.finally(f); await op; is two waits.
    void op.finally(() => {});
    await op;
    expect(op.parks).toBe(3);
  });

  it('is typed like a promise', () => {
    expectTypeOf<Operation<number>>().toMatchTypeOf<PromiseLike<number>>();
    const op = new Immediate<number>({ value: 1 });
    expectTypeOf(op.catch(() => 'x')).toEqualTypeOf<Promise<number | string>>();
    expectTypeOf(op.finally(() => {})).toEqualTypeOf<Promise<number>>();
  });
});
