import { bounded, Cancelled, CancelSource, Deferred, select, type Waitable } from '@spindle/core-context';
import { createRandom, ManualExecutor, runSeeded } from '@spindle/executor';
import { afterEach, describe, expect, it } from 'vitest';
import { current, type Fiber, onUnjoinedFailure, spawn, spawnWith } from '../src/index.js';
import { TestEvent } from './helpers.js';

function outcome(promise: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(promise).then(
    (value) => ({ value }),
    (error: unknown) => error,
  );
}

const unjoined: Error[] = [];
const previousHandler = onUnjoinedFailure((error) => unjoined.push(error));
afterEach(() => {
  unjoined.length = 0;
});
process.on('exit', () => onUnjoinedFailure(previousHandler));

describe('the spawn tree', () => {
  it('halting a parent halts the fibers it spawned, each with a Cancelled of its own token', async () => {
    const exec = new ManualExecutor();
    const event = new TestEvent();
    const log: string[] = [];
    let child: Fiber<void> | null = null;
    let grandchild: Fiber<void> | null = null;
    const parent = spawnWith({ executor: exec, name: 'parent' }, function* () {
      child = spawn(function* () {
        grandchild = spawn(function* () {
          try {
            yield event;
          } finally {
            log.push('grandchild finally');
          }
        });
        try {
          yield event;
        } finally {
          log.push('child finally');
        }
      });
      yield event;
    });
    exec.drain();
    expect(event.waiters.size).toBe(3);
    parent.halt('shutting down');
    exec.drain();
    expect(event.waiters.size).toBe(0);
    expect(log.sort()).toEqual(['child finally', 'grandchild finally']);
    for (const fiber of [parent, child!, grandchild!]) {
      expect(fiber.status).toBe('halted');
      const reason = fiber.token.reason!;
      expect(reason).toBeInstanceOf(Cancelled);
      expect(reason.token).toBe(fiber.token);
      const joined = (await outcome(fiber)) as Cancelled;
      expect(joined).toBeInstanceOf(Cancelled);
      expect(joined.token).toBe(fiber.token);
    }
    expect(parent.token.reason!.cause).toBe('shutting down');
    expect(child!.token.reason!.cause).toBe(parent.token.reason);
    expect(grandchild!.token.reason!.cause).toBe(child!.token.reason);
  });

  it('makes a fiber token on first read, a child of its spawner token', () => {
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
    const childToken = child!.token;
    expect(childToken.cancelled).toBe(false);
    expect(child!.token).toBe(childToken);
    const derived = new CancelSource(childToken);
    parent.halt();
    expect(childToken.cancelled).toBe(true);
    expect(derived.token.cancelled).toBe(true);
    exec.drain();
    expect(child!.status).toBe('halted');
  });

  it('keeps halting the children of a parent that ended before them', () => {
    const exec = new ManualExecutor();
    const event = new TestEvent();
    let grandchild: Fiber<void> | null = null;
    const root = spawnWith({ executor: exec }, function* () {
      spawn(function* () {
        grandchild = spawn(function* () {
          yield event;
        });
      });
      yield event;
    });
    exec.drain();
    expect(root.status).toBe('suspended');
    root.halt();
    exec.drain();
    expect(grandchild!.status).toBe('halted');
  });

  it('does not halt a fiber spawned with its own token when the spawner halts; its token does', () => {
    const exec = new ManualExecutor();
    const event = new TestEvent();
    const source = new CancelSource();
    let detached: Fiber<void> | null = null;
    const parent = spawnWith({ executor: exec }, function* () {
      detached = spawnWith({ token: source.token }, function* () {
        yield event;
      });
      yield event;
    });
    exec.drain();
    parent.halt();
    exec.drain();
    expect(detached!.status).toBe('suspended');
    source.cancel(new Error('stop'));
    exec.drain();
    expect(detached!.status).toBe('halted');
    expect(detached!.token.reason!.token).toBe(detached!.token);
  });

  it('halts the children of a token-spawned root through its token after the root ended', () => {
    const exec = new ManualExecutor();
    const event = new TestEvent();
    const source = new CancelSource();
    let child: Fiber<void> | null = null;
    const root = spawnWith({ executor: exec, token: source.token }, function* () {
      child = spawn(function* () {
        yield event;
      });
    });
    exec.drain();
    expect(root.status).toBe('done');
    source.cancel();
    exec.drain();
    expect(child!.status).toBe('halted');
  });

  it('ends halted, not failed, when its spawn signal aborts (no unjoined-failure report)', async () => {
    const exec = new ManualExecutor();
    const controller = new AbortController();
    const log: string[] = [];
    const fiber = spawnWith({ executor: exec, signal: controller.signal }, function* () {
      try {
        yield new TestEvent();
      } finally {
        log.push('finally');
      }
    });
    exec.drain();
    controller.abort(new Error('client went away'));
    exec.drain();
    expect(log).toEqual(['finally']);
    expect(fiber.status).toBe('halted');
    await new Promise((resolve) => setImmediate(resolve));
    expect(unjoined).toEqual([]);
    const joined = (await outcome(fiber)) as Cancelled;
    expect(joined).toBeInstanceOf(Cancelled);
    expect((joined.cause as Cancelled).cause).toEqual(new Error('client went away'));
  });

  it('never runs the body of a fiber spawned with an aborted signal', () => {
    const exec = new ManualExecutor();
    let ran = false;
    const fiber = spawnWith({ executor: exec, signal: AbortSignal.abort() }, function* () {
      ran = true;
    });
    exec.drain();
    expect(ran).toBe(false);
    expect(fiber.status).toBe('halted');
  });

  it('halts at birth a fiber spawned by a fiber already halted', () => {
    const exec = new ManualExecutor();
    let child: Fiber<void> | null = null;
    spawnWith({ executor: exec }, function* () {
      current()!.halt();
      child = spawn(function* () {
        yield new TestEvent();
      });
      yield;
    });
    exec.drain();
    expect(child!.status).toBe('halted');
  });
});

describe('a Cancelled for the fiber itself', () => {
  it('ends it halted when the body catches it and returns', async () => {
    const exec = new ManualExecutor();
    const log: string[] = [];
    const fiber = spawnWith({ executor: exec }, function* () {
      const me = current()!;
      me.halt();
      try {
        me.token.throwIfCancelled();
      } catch (error) {
        log.push(`caught own: ${(error as Cancelled).token === me.token}`);
      }
      return 7;
    });
    exec.drain();
    expect(log).toEqual(['caught own: true']);
    expect(fiber.status).toBe('halted');
    expect(await outcome(fiber)).toBeInstanceOf(Cancelled);
  });

  it('ends it halted when it escapes from a wait on the fiber token', async () => {
    const exec = new ManualExecutor();
    const event = new TestEvent();
    const fiber = spawnWith({ executor: exec }, function* () {
      // Its own token as a wait limit: the halt surfaces as a thrown Cancelled.
      const token = current()!.token;
      try {
        yield* bounded(event, { token });
      } catch (error) {
        if (!(error instanceof Cancelled)) throw error;
        yield* bounded(event, { token }); // cancelled already: throws at once
      }
    });
    exec.drain();
    fiber.halt();
    exec.drain();
    expect(fiber.status).toBe('halted');
    await new Promise((resolve) => setImmediate(resolve));
    expect(unjoined).toEqual([]);
  });

  it('keeps a foreign token or signal on a wait a failure of that wait', async () => {
    const exec = new ManualExecutor();
    const source = new CancelSource();
    const fiber = spawnWith({ executor: exec }, function* () {
      yield* bounded(new TestEvent(), { token: source.token });
    });
    const joined = outcome(fiber);
    exec.drain();
    source.cancel();
    exec.drain();
    expect(fiber.status).toBe('failed');
    expect(((await joined) as Error).cause).toBe(source.token.reason);
  });
});

describe('a Cancelled that is not the halt', () => {
  it('a foreign wait limit thrown in the cleanup after a halt stays a failure', async () => {
    const exec = new ManualExecutor();
    const foreign = new CancelSource();
    const fiber = spawnWith({ executor: exec }, function* () {
      try {
        yield new TestEvent();
      } finally {
        yield* bounded(new TestEvent(), { token: foreign.token });
      }
    });
    const joined = outcome(fiber);
    exec.drain();
    fiber.halt();
    exec.drain();
    foreign.cancel('deadline of the flush');
    exec.drain();
    expect(fiber.status).toBe('failed');
    expect(((await joined) as Error).cause).toBe(foreign.token.reason);
  });

  it('a wait limited by an ancestor token whose cancellation halted the fiber ends it halted', async () => {
    const exec = new ManualExecutor();
    let child: Fiber<void> | null = null;
    const parent = spawnWith({ executor: exec }, function* () {
      const token = current()!.token;
      child = spawn(function* () {
        yield* bounded(new TestEvent(), { token });
      });
      yield new TestEvent();
    });
    exec.drain();
    parent.halt();
    exec.drain();
    expect(child!.status).toBe('halted');
    await new Promise((resolve) => setImmediate(resolve));
    expect(unjoined).toEqual([]);
  });
});

describe('a withdrawn join', () => {
  it('is selectable and leaves no trace: the failure is still reported as unjoined', async () => {
    const exec = new ManualExecutor();
    const fail = new TestEvent();
    const other = new Deferred<string>();
    const failing = spawnWith({ executor: exec, name: 'failing' }, function* () {
      yield fail;
      throw new Error('boom');
    });
    expect(failing.selectable).toBe(true);
    const chooser = spawnWith({ executor: exec }, function* () {
      return yield* select([failing, other]);
    });
    exec.drain();
    other.resolve('other won');
    exec.drain();
    expect(await chooser).toEqual({ index: 1, value: 'other won' });
    fail.wakeOne();
    exec.drain();
    expect(failing.status).toBe('failed');
    await new Promise((resolve) => setImmediate(resolve));
    expect(unjoined.map((error) => (error.cause as Error).message)).toEqual(['boom']);
  });

  it('the end a halt returns is selectable', () => {
    const exec = new ManualExecutor();
    const fiber = spawnWith({ executor: exec }, function* () {
      yield new TestEvent();
    });
    exec.drain();
    const end: Waitable<void> = fiber.halt();
    expect(end.selectable).toBe(true);
    exec.drain();
  });
});

describe('seeded halts in a spawn tree', () => {
  it('runs every finally once and ends every fiber, whatever is halted when', () => {
    runSeeded(40, (exec, seed) => {
      const random = createRandom(seed * 104_729);
      const event = new TestEvent();
      const finallies = new Map<string, number>();
      const started: string[] = [];
      const fibers: Fiber<void>[] = [];
      function* worker(name: string, depth: number): Generator<unknown, void, unknown> {
        started.push(name);
        try {
          if (depth < 2) {
            for (let i = 0; i < 3; i++) fibers.push(spawn(worker, `${name}.${i}`, depth + 1));
          }
          for (let round = 0; round < 4; round++) yield;
          yield event;
        } finally {
          finallies.set(name, (finallies.get(name) ?? 0) + 1);
        }
      }
      const root = spawnWith({ executor: exec, name: 'root' }, worker, 'root', 0);
      fibers.push(root);
      while (exec.runNext()) {
        if (random() < 0.05 && fibers.length > 1)
          fibers[1 + Math.floor(random() * (fibers.length - 1))]!.halt();
      }
      root.halt();
      exec.drain();
      for (const fiber of fibers) {
        expect(fiber.status).toBe('halted');
        expect(fiber.token.reason!.token).toBe(fiber.token);
      }
      // A fiber halted before it first ran never runs its body (nor its finally).
      expect([...finallies.keys()].sort()).toEqual(started.sort());
      expect([...finallies.values()].every((count) => count === 1)).toBe(true);
      expect(event.waiters.size).toBe(0);
    });
  });
});

describe('large spawn trees', () => {
  it('halts a chain of 10,000 nested fibers from its root, each finally once, without deep recursion', () => {
    const exec = new ManualExecutor();
    const event = new TestEvent();
    let finallies = 0;
    const fibers: Fiber<void>[] = [];
    function* link(depth: number): Generator<unknown, void, unknown> {
      if (depth < 10_000) fibers.push(spawn(link, depth + 1));
      try {
        yield event;
      } finally {
        finallies++;
      }
    }
    const root = spawnWith({ executor: exec }, link, 1);
    exec.drain();
    expect(event.waiters.size).toBe(10_000);
    root.halt();
    exec.drain();
    expect(finallies).toBe(10_000);
    expect(event.waiters.size).toBe(0);
    expect(fibers.every((fiber) => fiber.status === 'halted')).toBe(true);
  });

  it('halts 10,000 children of one fiber, also after the fibers between ended', () => {
    const exec = new ManualExecutor();
    const event = new TestEvent();
    let finallies = 0;
    const leaves: Fiber<void>[] = [];
    const root = spawnWith({ executor: exec }, function* () {
      for (let group = 0; group < 100; group++) {
        // Each group's spawner ends at once: its children pass to the root.
        spawn(function* () {
          for (let i = 0; i < 100; i++) {
            leaves.push(
              spawn(function* () {
                try {
                  yield event;
                } finally {
                  finallies++;
                }
              }),
            );
          }
        });
      }
      yield event;
    });
    exec.drain();
    expect(event.waiters.size).toBe(10_001);
    root.halt();
    exec.drain();
    expect(finallies).toBe(10_000);
    expect(leaves.every((fiber) => fiber.status === 'halted')).toBe(true);
    expect(root.status).toBe('halted');
  });
});
