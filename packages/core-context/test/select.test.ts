import { execFileSync } from 'node:child_process';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  bounded,
  Cancelled,
  CancelSource,
  createRandom,
  Deferred,
  InvalidStateError,
  Operation,
  Select,
  select,
  type Waitable,
  type Waiter,
} from '../src/index.js';
import { InlineExecutor, ManualExecutor } from './support/inline-executor.js';
import { LateCancel } from './support/late-cancel.js';
import { RandomExecutor } from './support/random-executor.js';
import { Rendezvous } from './support/rendezvous.js';
import { testSeeds } from './support/seeded.js';
import { Semaphore } from './support/semaphore.js';
import { TinyFiber } from './support/tiny-fiber.js';
import { Mailbox } from './support/waitables.js';

/** A random source under which the cases are tried in the order written (Fisher-Yates never swaps). */
const inOrder = (): number => 0.999_999;

/** A live record of how `promise` settled: `{ ok: false, value: 'pending' }` until it does. */
function track<T>(promise: PromiseLike<T>): { ok: boolean; value: unknown } {
  const outcome: { ok: boolean; value: unknown } = { ok: false, value: 'pending' };
  promise.then(
    (value) => Object.assign(outcome, { ok: true, value }),
    (error) => Object.assign(outcome, { ok: false, value: error }),
  );
  return outcome;
}

/** Lets pending promise callbacks run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function resolved<T>(value: T): Deferred<T> {
  const deferred = new Deferred<T>();
  deferred.resolve(value);
  return deferred;
}

describe('select: types', () => {
  it("types each case's { index, value }, and the default only when asked for", () => {
    const sel = select([new Deferred<number>(), new Deferred<string>()]);
    expectTypeOf(sel).toMatchTypeOf<
      Operation<{ readonly index: 0; readonly value: number } | { readonly index: 1; readonly value: string }>
    >();
    const withDefault = select([new Deferred<number>()], { default: true });
    expectTypeOf(withDefault).toMatchTypeOf<
      Operation<
        { readonly index: 0; readonly value: number } | { readonly index: -1; readonly value: undefined }
      >
    >();
  });
});

describe('select: one case commits', () => {
  it('takes a ready case and leaves the other cases as they were', async () => {
    const sem = new Semaphore(0);
    const channel = new Rendezvous<string>();
    const result = await select([sem.acquire(), channel.recv(), resolved('now')]);
    expect(result).toEqual({ index: 2, value: 'now' });
    expect(sem.waiting).toBe(0);
    expect(channel.receivers.size).toBe(0);
    expect(sem.available).toBe(0);
  });

  it('takes the first case to complete and withdraws the others', async () => {
    const sem = new Semaphore(0);
    const a = new Deferred<string>();
    const pending = select([a, sem.acquire(2)]).then((r) => r);
    expect(sem.waiting).toBe(1);
    sem.release(2);
    expect(await pending).toEqual({ index: 1, value: undefined });
    expect(sem.available).toBe(0);
    a.resolve('late');
    expect(sem.waiting).toBe(0);
  });

  it('with every case ready, exactly one commits (the permits of the others stay)', async () => {
    for (const seed of testSeeds(20)) {
      const sems = [new Semaphore(1), new Semaphore(1), new Semaphore(1)];
      const result = await select(
        sems.map((s) => s.acquire()),
        { random: createRandom(seed) },
      );
      const left = sems.map((s) => s.available);
      expect(
        left.filter((n) => n === 0),
        `seed ${seed}`,
      ).toHaveLength(1);
      expect(left[result.index], `seed ${seed}`).toBe(0);
    }
  });

  it('fails with the error of a case that fails', async () => {
    const broken = new Deferred<number>();
    const pending = select([broken, new Deferred<number>()]);
    const outcome = track(pending);
    broken.reject(new RangeError('no'));
    await settle();
    expect(outcome.value).toBeInstanceOf(RangeError);
  });

  it('an empty select waits until withdrawn; with a default it ends at once', async () => {
    expect(await select([], { default: true })).toEqual({ index: -1, value: undefined });
    const source = new CancelSource();
    const waiting = track(bounded(select([]), { token: source.token }));
    source.cancel();
    await settle();
    expect(waiting.value).toBeInstanceOf(Cancelled);
  });
});

describe('select: two-sided cases (rule 5)', () => {
  it('never matches itself: a send and a receive on one channel stay parked (Go blocks too)', async () => {
    const channel = new Rendezvous<number>();
    const pending = track(select([channel.recv(), channel.send(42)]));
    await settle();
    expect(pending.value).toBe('pending');
    expect(channel.delivered).toEqual([]);
    // Another party sends: the select receives that value, and withdraws its own send.
    await channel.send(7);
    await settle();
    expect(pending).toEqual({ ok: true, value: { index: 0, value: 7 } });
    expect(channel.senders.size).toBe(0);
    expect(channel.delivered).toEqual([7]);
  });

  it('a nested select does not meet its outer select either', async () => {
    const channel = new Rendezvous<number>();
    const pending = track(select([select([channel.recv()]), channel.send(1)]));
    await settle();
    expect(pending.value).toBe('pending');
    expect(channel.delivered).toEqual([]);
    expect(await channel.recv()).toBe(1);
    await settle();
    expect(pending).toEqual({ ok: true, value: { index: 1, value: undefined } });
    expect(channel.receivers.size).toBe(0);
  });

  it('review §1.2: a permit handed on re-entrantly to a held select is refused and kept, no value lost', async () => {
    const sem = new Semaphore(1);
    const channel = new Rendezvous<string>();
    // S2: its acquire(2) heads the queue; its send parks.
    const s2 = track(select([sem.acquire(2), channel.send('from S2')], { random: inOrder }));
    // S: acquire(1) queues behind; registering recv meets S2's send. S2 wins and withdraws
    // the head acquire, the semaphore hands the permit to S's acquire at once: S is held by
    // the channel, so it refuses, and S receives S2's value.
    const s = track(select([sem.acquire(1), channel.recv()], { random: inOrder }));
    await settle();
    expect(s2).toEqual({ ok: true, value: { index: 1, value: undefined } });
    await settle();
    expect(s).toEqual({ ok: true, value: { index: 1, value: 'from S2' } });
    expect(channel.delivered).toEqual(['from S2']);
    expect(sem.available).toBe(1);
    expect(sem.waiting).toBe(0);
  });

  it('no lost wake-up and no value lost: fibers selecting over two channels on a seeded schedule', () => {
    for (const seed of testSeeds(30)) {
      const random = createRandom(seed);
      const executor = new RandomExecutor(random);
      const a = new Rendezvous<number>();
      const b = new Rendezvous<number>();
      const received: number[] = [];
      const perSender = 20;
      const senders = [a, b, a, b].map((channel, s) =>
        new TinyFiber(executor, function* () {
          for (let i = 0; i < perSender; i++) {
            // A sender also selects: its send races a receive on the other channel.
            const other = channel === a ? b : a;
            const r = yield* select([channel.send(s * 1000 + i), other.recv()], { random });
            if (r.index === 1) received.push(r.value);
            else continue;
            i--; // it received instead of sending: send this one again
          }
        }).start(),
      );
      const receivers = [0, 1].map(() => {
        const sel = new Select([a.recv(), b.recv()], { random });
        return new TinyFiber(executor, function* () {
          for (;;) received.push((yield* sel).value);
        }).start();
      });
      executor.runAll();
      expect(
        senders.map((f) => f.status),
        `seed ${seed}`,
      ).toEqual(['done', 'done', 'done', 'done']);
      const sent = [0, 1, 2, 3].flatMap((s) => Array.from({ length: perSender }, (_, i) => s * 1000 + i));
      expect(
        [...received].sort((x, y) => x - y),
        `seed ${seed}`,
      ).toEqual(sent);
      expect(
        [...a.delivered, ...b.delivered].sort((x, y) => x - y),
        `seed ${seed}`,
      ).toEqual(sent);
      expect(receivers.map((f) => f.status)).toEqual(['suspended', 'suspended']);
    }
  });
});

describe('select: random choice among ready cases', () => {
  it('is uniform over seeds (chi-square, 3 ready cases)', async () => {
    const counts = [0, 0, 0];
    const rounds = 3000;
    for (let seed = 1; seed <= rounds; seed++) {
      const r = await select([resolved('a'), resolved('b'), resolved('c')], { random: createRandom(seed) });
      counts[r.index]!++;
    }
    const expected = rounds / 3;
    const chiSquare = counts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    // 2 degrees of freedom: P(chi² > 13.8) = 0.001 for a fair choice.
    expect(chiSquare, `counts ${counts}`).toBeLessThan(13.8);
  });

  it('by default follows SPINDLE_SEED: the same seed gives the same choices in a new process', () => {
    const script = `
      import { Deferred, select } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const ready = (v) => { const d = new Deferred(); d.resolve(v); return d; };
      const picks = [];
      for (let i = 0; i < 30; i++) picks.push((await select([ready(0), ready(1), ready(2), ready(3)])).index);
      console.log(picks.join(''));`;
    const picks = (seed: string) =>
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: { ...process.env, SPINDLE_SEED: seed },
      }).trim();
    expect(picks('7')).toBe(picks('7'));
    expect(picks('7')).not.toBe(picks('8'));
    expect(new Set(picks('7')).size).toBe(4);
  });

  it('is the same for the same seed (replayable)', async () => {
    const run = async (seed: number) => {
      const sel = new Select([resolved(0), resolved(1), resolved(2), resolved(3)], {
        random: createRandom(seed),
      });
      const picks: number[] = [];
      for (let i = 0; i < 50; i++) picks.push((await sel).index);
      return picks;
    };
    expect(await run(42)).toEqual(await run(42));
    expect(new Set(await run(42)).size).toBe(4);
  });
});

describe('select: default case', () => {
  it('ends with { index: -1 } when no case is ready, leaving every case as it was', async () => {
    const sem = new Semaphore(0);
    const channel = new Rendezvous<number>();
    const deferred = new Deferred<number>();
    const r = await select([sem.acquire(), channel.recv(), deferred], { default: true });
    expect(r).toEqual({ index: -1, value: undefined });
    expect(sem.waiting).toBe(0);
    expect(channel.receivers.size).toBe(0);
    deferred.resolve(1);
    expect(await select([sem.acquire(), deferred], { default: true })).toEqual({ index: 1, value: 1 });
  });

  it('takes a ready case over the default', async () => {
    const sem = new Semaphore(1);
    expect(await select([sem.acquire()], { default: true })).toEqual({ index: 0, value: undefined });
    expect(sem.available).toBe(0);
  });
});

describe('select: poll (pass 1)', () => {
  it('a default select takes what a poll finds ready, and leaves nothing queued when none is', async () => {
    const channel = new Rendezvous<string>();
    expect(await select([channel.recv()], { default: true })).toEqual({ index: -1, value: undefined });
    expect(channel.receivers.size).toBe(0);
    const sent = channel.send('hello').then(() => 'sent');
    expect(await select([channel.recv()], { default: true })).toEqual({ index: 0, value: 'hello' });
    expect(await sent).toBe('sent');
    expect(channel.senders.size).toBe(0);
  });
});

/** A waitable driven by hand through the two phases, so a test can act between claim and settle. */
class TwoStep<T> extends Operation<T> {
  readonly selectable = true;
  waiter: Waiter<T> | null = null;
  readonly restored: T[] = [];

  park(waiter: Waiter<T>): void {
    this.waiter = waiter;
  }

  unpark(waiter: Waiter<T>): boolean {
    if (this.waiter !== waiter) return false;
    this.waiter = null;
    return true;
  }

  restore(value: T): void {
    this.restored.push(value);
  }

  /** Claims its waiter, runs `between`, then settles with `value` or releases (value undefined). */
  step(between: () => void, value?: T): boolean {
    const waiter = this.waiter!;
    if (!waiter.claim()) return false;
    between();
    if (value === undefined) {
      waiter.release();
      return false;
    }
    this.waiter = null;
    waiter.settle(true, value);
    return true;
  }
}

describe('select: nesting and bounded()', () => {
  it('a select is a case of another select', async () => {
    const a = new Deferred<string>();
    const b = new Deferred<number>();
    const c = new Deferred<boolean>();
    const pending = select([select([a, b]), c]).then((r) => r);
    b.resolve(5);
    expect(await pending).toEqual({ index: 0, value: { index: 1, value: 5 } });
  });

  it('bounded(select) withdraws every case when its token is cancelled', async () => {
    const sem = new Semaphore(0);
    const channel = new Rendezvous<number>();
    const source = new CancelSource();
    const pending = track(bounded(select([sem.acquire(), channel.recv()]), { token: source.token }));
    expect(sem.waiting).toBe(1);
    source.cancel('stop');
    await settle();
    expect(pending.value).toBeInstanceOf(Cancelled);
    expect(sem.waiting).toBe(0);
    expect(channel.receivers.size).toBe(0);
  });
});

describe('select: withdrawal (a halted fiber)', () => {
  it('a halt while parked withdraws every case', () => {
    const executor = new InlineExecutor();
    const sem = new Semaphore(0);
    const channel = new Rendezvous<number>();
    const fiber = new TinyFiber(executor, function* () {
      return yield* select([sem.acquire(), channel.recv()]);
    }).start();
    expect(sem.waiting + channel.receivers.size).toBe(2);
    fiber.halt();
    expect(sem.waiting + channel.receivers.size).toBe(0);
    expect(fiber.status).toBe('done');
    expect(fiber.result).toBeUndefined();
  });

  it('a result handed over before the halted fiber resumed goes back to the winning case', () => {
    for (const which of ['permit', 'value'] as const) {
      const executor = new RandomExecutor(() => 0);
      const sem = new Semaphore(0);
      const channel = new Rendezvous<number>();
      const fiber = new TinyFiber(executor, function* () {
        return yield* select([sem.acquire(), channel.recv()]);
      }).start();
      executor.runAll();
      // The winning case is settled, and the fiber's run queued: halt it before that run.
      if (which === 'permit') sem.release(1);
      else {
        new TinyFiber(executor, function* () {
          yield* channel.send(9);
        }).start();
        executor.runOne(); // the sender meets the parked receive
      }
      fiber.halt();
      executor.runAll();
      expect(fiber.result).toBeUndefined();
      if (which === 'permit') expect(sem.available).toBe(1);
      else expect(channel.restored).toEqual([9]);
      expect(sem.waiting + channel.receivers.size).toBe(0);
    }
  });

  it("a halt between a case's claim and its release withdraws every case once released", () => {
    const executor = new InlineExecutor();
    const twoStep = new TwoStep<string>();
    const sem = new Semaphore(0);
    const fiber = new TinyFiber(executor, function* () {
      return yield* select([twoStep, sem.acquire()]);
    }).start();
    twoStep.step(() => {
      fiber.halt();
      expect(fiber.status).toBe('suspended'); // the select answered 'pending': a claim is held
    });
    expect(twoStep.waiter).toBeNull();
    expect(sem.waiting).toBe(0);
    expect(fiber.status).toBe('done');
    expect(fiber.result).toBeUndefined();
  });

  it("a halt between a case's claim and its settle: the value goes back to that case", () => {
    const executor = new InlineExecutor();
    const twoStep = new TwoStep<string>();
    const sem = new Semaphore(0);
    const fiber = new TinyFiber(executor, function* () {
      return yield* select([twoStep, sem.acquire()]);
    }).start();
    expect(twoStep.step(() => fiber.halt(), 'value')).toBe(true);
    expect(twoStep.restored).toEqual(['value']);
    expect(sem.waiting).toBe(0);
    expect(fiber.status).toBe('done');
  });

  it('a halt at every step of a seeded run loses no value and no permit', () => {
    for (const seed of testSeeds(20)) {
      for (let haltAt = 0; haltAt < 12; haltAt++) {
        const random = createRandom(seed);
        const executor = new RandomExecutor(random);
        const sem = new Semaphore(0);
        const channel = new Rendezvous<number>();
        const got: number[] = [];
        let permits = 0;
        const selector = new TinyFiber(executor, function* () {
          const sel = new Select([sem.acquire(), channel.recv()], { random });
          for (;;) {
            const r = yield* sel;
            if (r.index === 0) permits++;
            else got.push(r.value);
          }
        }).start();
        const sender = new TinyFiber(executor, function* () {
          for (let i = 0; i < 5; i++) {
            // Its receive case can only get a value the halted selector gave back.
            const r = yield* select([channel.send(i), channel.recv()], { random });
            if (r.index === 1) got.push(r.value);
          }
        }).start();
        let released = 0;
        for (let step = 0; executor.runOne(); step++) {
          if (step === haltAt) selector.halt();
          if (step % 3 === 0) {
            sem.release(1);
            released++;
          }
        }
        const where = `seed ${seed} halt ${haltAt}`;
        // Every value sent was received or given back to the channel; every permit taken or still there.
        expect([...got, ...channel.restored].sort(), where).toEqual([...channel.delivered].sort());
        expect(permits + sem.available, where).toBe(released);
        expect(selector.status, where).toBe('done');
        expect(sender.status, where).not.toBe('failed');
      }
    }
  });
});

describe("select: cases whose withdrawal answers 'pending'", () => {
  it('delivers the winner only after a pending loser ended; its late outcome stays with it', async () => {
    const late = new LateCancel<string>();
    const winner = new Deferred<number>();
    const pending = track(select([late, winner], { random: inOrder }));
    winner.resolve(1);
    expect(late.cancelRequested).toBe(true);
    await settle();
    expect(pending.value).toBe('pending');
    late.finish('raced');
    await settle();
    expect(pending).toEqual({ ok: true, value: { index: 1, value: 1 } });
    expect(late.kept).toEqual(['raced']);
  });

  it("withdrawing a select with a pending case answers 'pending' and fails it once the case ended", () => {
    const executor = new InlineExecutor();
    const late = new LateCancel<string>();
    const sem = new Semaphore(0);
    let cleanedUpAfterLate = false;
    const fiber = new TinyFiber(executor, function* () {
      try {
        return yield* select([late, sem.acquire()]);
      } finally {
        cleanedUpAfterLate = late.waiter === null;
      }
    }).start();
    fiber.halt();
    expect(late.cancelRequested).toBe(true);
    expect(sem.waiting).toBe(0);
    expect(fiber.status).toBe('suspended'); // waits for the late case's final outcome
    late.finishCancelled();
    expect(fiber.status).toBe('done');
    expect(cleanedUpAfterLate).toBe(true);
  });
});

describe('select: bad input', () => {
  it('refuses a case that is not selectable with a TypeError naming it', () => {
    const mailbox = new Mailbox<number>();
    expect(() => select([new Deferred<number>(), mailbox as Waitable<number>])).toThrow(TypeError);
    expect(() => select([new Deferred<number>(), mailbox as Waitable<number>])).toThrow(
      /case 1 \(Mailbox\) is not selectable/,
    );
    expect(() => select([{} as Waitable<number>])).toThrow(/case 0 is not a Waitable/);
    expect(() => select('x' as never)).toThrow(TypeError);
    expect(() => select([], { default: 1 as never })).toThrow(TypeError);
    expect(() => select([], { random: 3 as never })).toThrow(TypeError);
  });

  it('setCase checks its index and case, and a waiter cannot park twice at once', () => {
    const sel = new Select([new Deferred<number>()]);
    expect(() => sel.setCase(1 as 0, new Deferred<number>())).toThrow(RangeError);
    expect(() => sel.setCase(0, new Mailbox<number>() as never)).toThrow(
      /case 0 \(Mailbox\) is not selectable/,
    );
    const executor = new InlineExecutor();
    const fiber = new TinyFiber(executor, function* () {
      yield* sel;
    }).start();
    expect(() => sel.park(fiber as never)).toThrow(InvalidStateError);
  });
});

describe('Select (reusable)', () => {
  it('setCase applies to the next wait; a new waiter never gets the object an earlier one holds', async () => {
    const channel = new Mailboxless();
    const sel = new Select([resolved('first'), channel.op]);
    const one = await sel;
    expect(one).toEqual({ index: 0, value: 'first' });
    sel.setCase(0, new Deferred<string>());
    const pending = sel.then((r) => r);
    channel.op.resolve('second');
    const two = await pending;
    expect(two).not.toBe(one); // another waiter (a new promise): its own object
    expect(two).toEqual({ index: 1, value: 'second' });
    expect(one).toEqual({ index: 0, value: 'first' });
  });

  it('keeps the iterator of yield* for the next round; a second yield* at the same time gets its own', () => {
    const executor = new InlineExecutor();
    const sem = new Semaphore(0);
    const sel = new Select([sem.acquire()]);
    const kept = sel[Symbol.iterator]();
    expect(kept.next(undefined as never)).toEqual({ done: false, value: sel });
    expect(sel[Symbol.iterator]()).not.toBe(kept); // in use: a fresh one
    expect(kept.next({ index: 0, value: undefined })).toEqual({
      done: true,
      value: { index: 0, value: undefined },
    });
    expect(sel[Symbol.iterator]()).toBe(kept); // free again
    kept.return?.(undefined as never);
    let rounds = 0;
    const fiber = new TinyFiber(executor, function* () {
      for (let i = 0; i < 3; i++) {
        yield* sel;
        rounds++;
      }
    }).start();
    sem.release(3);
    expect([fiber.status, rounds]).toEqual(['done', 3]);
    expect(sel[Symbol.iterator]()).toBe(kept);
  });

  it('gives a result back to the waitable it came from, even after setCase replaced that case', () => {
    const executor = new ManualExecutor();
    const first = new Semaphore(0);
    const second = new Semaphore(0);
    const sel = new Select([first.acquire()]);
    const fiber = new TinyFiber(executor, function* () {
      return yield* sel;
    }).start();
    executor.runAll();
    first.release(1); // the case wins; the fiber's run is queued
    sel.setCase(0, second.acquire());
    fiber.halt();
    executor.runAll();
    expect([first.available, second.available]).toEqual([1, 0]);
    expect(fiber.result).toBeUndefined();
  });

  it('serves two waits at the same time, each a wait of its own', async () => {
    const sem = new Semaphore(0);
    const sel = new Select([sem.acquire()]);
    const first = sel.then((r) => r.index);
    const second = sel.then((r) => r.index);
    expect(sem.waiting).toBe(2);
    sem.release(2);
    expect(await Promise.all([first, second])).toEqual([0, 0]);
    expect(sem.available).toBe(0);
  });
});

/** A case source whose operation is a fresh Deferred. */
class Mailboxless {
  readonly op = new Deferred<string>();
}
