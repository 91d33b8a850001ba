import { CancelSource } from '@spindle/core-context';
import { ManualExecutor } from '@spindle/executor';
import { describe, expect, it } from 'vitest';
import { type Fiber, spawn, spawnWith } from '../src/index.js';
import { TestEvent } from './helpers.js';

/**
 * Root A (spawned with `source.token`) spawns C, C spawns D. A ends first (`endA`), then C
 * (`endC`), while D still waits on `event`. `readTokens` reads C's and D's tokens while all run.
 */
function chain(exec: ManualExecutor, source: CancelSource, readTokens: boolean) {
  const event = new TestEvent();
  const endA = new TestEvent();
  const endC = new TestEvent();
  const fibers: { a?: Fiber<void>; c?: Fiber<void>; d?: Fiber<void> } = {};
  fibers.a = spawnWith({ executor: exec, token: source.token }, function* () {
    fibers.c = spawn(function* () {
      fibers.d = spawn(function* () {
        yield event;
      });
      yield endC;
    });
    yield endA;
  });
  exec.drain();
  if (readTokens) {
    expect(fibers.c!.token.cancelled).toBe(false);
    expect(fibers.d!.token.cancelled).toBe(false);
  }
  endA.wakeOne();
  exec.drain();
  endC.wakeOne();
  exec.drain();
  expect([fibers.a!.status, fibers.c!.status, fibers.d!.status]).toEqual(['done', 'done', 'suspended']);
  return { event, a: fibers.a!, c: fibers.c!, d: fibers.d! };
}

describe('a root spawned with a token, once it ended', () => {
  for (const readTokens of [false, true]) {
    it(`reaches the descendants of its children through that token (tokens read before: ${readTokens})`, () => {
      const exec = new ManualExecutor();
      const source = new CancelSource();
      const { event, d } = chain(exec, source, readTokens);
      source.cancel('stop');
      exec.drain();
      expect(d.status).toBe('halted');
      expect(event.waiters.size).toBe(0);
    });
  }

  it('detaches its own token from that token at once when its children had none (no listener kept)', () => {
    const exec = new ManualExecutor();
    const source = new CancelSource();
    const { a, c, d } = chain(exec, source, false);
    source.cancel();
    exec.drain();
    // Detached: the outside cancellation reached D directly, not through A's or C's tokens.
    expect(a.token.cancelled).toBe(false);
    expect(c.token.cancelled).toBe(false);
    expect(d.status).toBe('halted');
  });

  it('keeps its token attached while a token made under it runs, and detaches it when that ends', () => {
    const exec = new ManualExecutor();
    const source = new CancelSource();
    const { event, a, c, d } = chain(exec, source, true);
    event.wakeOne(); // D ends: nothing hangs on A's and C's tokens any more
    exec.drain();
    expect(d.status).toBe('done');
    source.cancel();
    expect(a.token.cancelled).toBe(false);
    expect(c.token.cancelled).toBe(false);
  });

  it('relays to a held token while it still runs', () => {
    const exec = new ManualExecutor();
    const source = new CancelSource();
    const { a, c, d } = chain(exec, source, true);
    source.cancel();
    exec.drain();
    expect(a.token.cancelled).toBe(true);
    expect(c.token.cancelled).toBe(true);
    expect(d.token.reason!.token).toBe(d.token);
    expect(d.status).toBe('halted');
  });
});

describe('a root spawned with a token and halted by itself', () => {
  it('still hands that token to a fiber its cleanup left running, whose token hung on its grace', () => {
    const exec = new ManualExecutor();
    const source = new CancelSource();
    const event = new TestEvent();
    let helper: Fiber<void> | null = null;
    const root = spawnWith({ executor: exec, token: source.token }, function* () {
      try {
        yield event;
      } finally {
        helper = spawn(function* () {
          yield event;
        });
        expect(helper.token.cancelled).toBe(false); // a child of the root's grace token
      }
    });
    exec.drain();
    root.halt();
    exec.drain();
    expect([root.status, helper!.status]).toEqual(['halted', 'suspended']);
    source.cancel('stop');
    exec.drain();
    expect(helper!.status).toBe('halted');
    expect(helper!.token.reason!.token).toBe(helper!.token);
  });
});

describe('reading a token deep in the spawn tree', () => {
  it('makes the tokens of a 10,000-deep chain top down, without deep recursion', () => {
    const exec = new ManualExecutor();
    const event = new TestEvent();
    const fibers: Fiber<void>[] = [];
    function* link(depth: number): Generator<unknown, void, unknown> {
      if (depth < 10_000) fibers.push(spawn(link, depth + 1));
      yield event;
    }
    const root = spawnWith({ executor: exec }, link, 1);
    exec.drain();
    const leaf = fibers[fibers.length - 1]!;
    expect(leaf.token.cancelled).toBe(false);
    root.halt('stop');
    expect(leaf.token.cancelled).toBe(true);
    exec.drain();
    expect(fibers.every((fiber) => fiber.status === 'halted')).toBe(true);
  });
});

describe('halting a large tree', () => {
  it('gives each cascaded child a Cancelled without a stack of its own, caused by its parent', () => {
    const exec = new ManualExecutor();
    const event = new TestEvent();
    let child: Fiber<void> | null = null;
    const parent = spawnWith({ executor: exec }, function* () {
      child = spawn(function* () {
        yield event;
      });
      yield event;
    });
    exec.drain();
    parent.halt();
    const reason = child!.token.reason!;
    expect(reason.token).toBe(child!.token);
    expect(reason.cause).toBe(parent.token.reason);
    expect(reason.stack).not.toMatch(/\n\s+at /);
    exec.drain();
  });
});
