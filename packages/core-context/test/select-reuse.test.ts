import { describe, expect, it, vi } from 'vitest';
import { Deferred, InvalidStateError, type Operation, Select, Sleep, type Waiter } from '../src/index.js';
import { ManualExecutor } from './support/inline-executor.js';
import { TinyFiber } from './support/tiny-fiber.js';
import { PolledQueue } from './support/waitables.js';

describe('a reused Select delivers each value once', () => {
  it('two promise waits in one turn get x and y, each in an object of its own', async () => {
    const queue = new PolledQueue(['x', 'y']);
    const sel = new Select([queue]);
    const values = await Promise.all([sel.then((r) => r.value), sel.then((r) => r.value)]);
    expect(values).toEqual(['x', 'y']);
    queue.values.push('p', 'q');
    const [a, b] = await Promise.all([sel, sel]);
    expect(a).not.toBe(b);
    expect([a.value, b.value]).toEqual(['p', 'q']);
  });

  it('two fibers sharing a Select each read their own value', () => {
    const executor = new ManualExecutor();
    const queue = new PolledQueue(['x', 'y']);
    const sel = new Select([queue]);
    const got: string[] = [];
    const reader = () =>
      new TinyFiber(executor, function* () {
        got.push((yield* sel).value);
      }).start();
    reader();
    reader();
    executor.runOne(); // the first parks and is handed x at once; it has not resumed yet
    executor.runOne(); // the second waits on the same (free again) run and is handed y
    executor.runAll();
    expect(got).toEqual(['x', 'y']);
  });

  it('a value handed to a halted fiber goes back to its waitable, not another wait', () => {
    const executor = new ManualExecutor();
    const queue = new PolledQueue(['x', 'y']);
    const sel = new Select([queue]);
    const got: string[] = [];
    const first = new TinyFiber(executor, function* () {
      got.push((yield* sel).value);
    }).start();
    const second = new TinyFiber(executor, function* () {
      got.push((yield* sel).value);
    }).start();
    executor.runOne(); // first: handed x
    executor.runOne(); // second: handed y, on the same run
    first.halt();
    executor.runAll();
    expect(got).toEqual(['y']);
    expect(queue.values).toEqual(['x']);
    expect(second.status).toBe('done');
  });

  it('one fiber looping on its Select reuses the delivered object (no allocation per round)', () => {
    const executor = new ManualExecutor();
    const queue = new PolledQueue(['a', 'b', 'c']);
    const sel = new Select([queue]);
    const seen: object[] = [];
    const values: string[] = [];
    new TinyFiber(executor, function* () {
      for (let i = 0; i < 3; i++) {
        const r = yield* sel;
        seen.push(r);
        values.push(r.value);
      }
    }).start();
    executor.runAll();
    expect(values).toEqual(['a', 'b', 'c']);
    expect(new Set(seen).size).toBe(1);
  });
});

describe('a bad random source', () => {
  it('fails the wait with a RangeError and leaves the Select usable', async () => {
    let calls = 0;
    const sel = new Select([resolved('a'), resolved('b'), resolved('c')], {
      random: () => (calls++ === 0 ? 1 : 0.999_999),
    });
    await expect(sel).rejects.toThrow(RangeError);
    for (let i = 0; i < 3; i++) expect(['a', 'b', 'c']).toContain((await sel).value);
  });
});

describe('fair choice between polled and unpolled ready cases', () => {
  it('the default generator (SPINDLE_SEED) picks each about half the time (chi-square)', async () => {
    const seed = process.env.SPINDLE_SEED ?? '20261202';
    const saved = process.env.SPINDLE_SEED;
    process.env.SPINDLE_SEED = seed;
    vi.resetModules();
    try {
      const core = await import('../src/index.js');
      const { PolledQueue: Queue } = await import('./support/waitables.js');
      const wins = [0, 0];
      const rounds = 1000;
      const ready = new core.Deferred<string>();
      ready.resolve('d');
      const queue = new Queue<string>();
      const sel = new core.Select([ready, queue]);
      for (let i = 0; i < rounds; i++) {
        queue.values.length = 0;
        queue.values.push('q');
        wins[(await sel).index]!++;
      }
      const expected = rounds / 2;
      const chiSquare = wins.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
      // 1 degree of freedom: P(chi² > 10.83) = 0.001 for a fair choice.
      expect(chiSquare, `SPINDLE_SEED=${seed}: wins ${wins}`).toBeLessThan(10.83);
    } finally {
      if (saved === undefined) delete process.env.SPINDLE_SEED;
      else process.env.SPINDLE_SEED = saved;
      vi.resetModules();
    }
  });
});

function resolved<T>(value: T): Deferred<T> {
  const deferred = new Deferred<T>();
  deferred.resolve(value);
  return deferred;
}

describe('a waiter parked in the second slot is found again', () => {
  /** A bare waiter that records what it gets. */
  function recorder(): Waiter & { got: unknown[] } {
    const got: unknown[] = [];
    let group: object;
    const waiter = {
      next: null,
      prev: null,
      owner: null,
      got,
      get group() {
        return group;
      },
      claim: () => true,
      release() {},
      settle: (_ok: boolean, value: unknown) => {
        got.push(value);
      },
      wake: (value: unknown) => got.push(value) > 0,
      fail: (error: unknown) => got.push(error) > 0,
    };
    group = waiter;
    return waiter;
  }

  it('a Sleep and a Select refuse a second park by a waiter still waiting behind the first slot', () => {
    const nap = new Sleep(1000);
    const sel = new Select([new Deferred<number>()]);
    for (const op of [nap, sel] as Operation<unknown>[]) {
      const first = recorder();
      const second = recorder();
      op.park(first);
      op.park(second);
      expect(op.unpark(first)).toBe(true); // the first slot is free again
      expect(() => op.park(second)).toThrow(InvalidStateError);
      expect(op.unpark(second)).toBe(true);
      expect(op.unpark(second)).toBe(false);
    }
  });
});
