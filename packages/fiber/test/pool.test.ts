import { InvalidStateError } from '@spindle/core-context';
import { ManualExecutor } from '@spindle/executor';
import { describe, expect, it } from 'vitest';
import { FiberPool, spawn, spawnWith } from '../src/index.js';
import { TestEvent } from './helpers.js';

describe('FiberPool', () => {
  it('reuses released fiber records with fresh ids and state', async () => {
    const exec = new ManualExecutor();
    const pool = new FiberPool();
    const first = pool.spawnWith(
      { executor: exec, name: 'first' },
      function* (n: number) {
        yield;
        return n + 1;
      },
      1,
    );
    exec.drain();
    expect(await first).toBe(2);
    const firstId = first.id;
    pool.release(first);
    pool.release(first); // a second release is ignored
    expect(pool.available).toBe(1);
    const second = pool.spawnWith({ executor: exec }, function* () {
      return 'again';
    });
    expect(second).toBe(first);
    expect(second.id).toBeGreaterThan(firstId);
    expect(second.name).toBe(`fiber-${second.id}`);
    expect(second.status).toBe('ready');
    expect(pool.available).toBe(0);
    exec.drain();
    expect(await second).toBe('again');
  });

  it('gives a reused record a fresh token and grace, outside the tree of its former spawner', async () => {
    const exec = new ManualExecutor();
    const pool = new FiberPool();
    const event = new TestEvent();
    let grandchild: ReturnType<typeof spawn<[], void>> | null = null;
    let first: ReturnType<typeof pool.spawn<[], void>> | null = null;
    const parent = spawnWith({ executor: exec }, function* () {
      first = pool.spawnWith({ graceMs: 0 }, function* () {
        grandchild = spawn(function* () {
          yield event;
        });
        yield event;
      });
      yield event;
    });
    exec.drain();
    const oldToken = first!.token;
    first!.halt('first life');
    exec.drain();
    expect(first!.status).toBe('halted');
    expect(grandchild!.status).toBe('halted');
    pool.release(first!);
    const second = pool.spawnWith({ executor: exec }, function* () {
      yield event;
      return 'second life';
    });
    expect(second).toBe(first);
    expect(second.token).not.toBe(oldToken);
    expect(second.token.cancelled).toBe(false);
    // Not a child of `parent` any more (spawned from outside fibers): its halt does not reach it.
    parent.halt();
    exec.drain();
    expect(second.status).toBe('suspended');
    event.wakeOne();
    exec.drain();
    expect(await second).toBe('second life');
    // The finished second life: halting it does nothing and completes at once.
    await expect(second.halt()).resolves.toBeUndefined();
  });

  it('refuses to release a fiber that has not finished and keeps at most capacity records', () => {
    const exec = new ManualExecutor();
    const pool = new FiberPool(1);
    const event = new TestEvent();
    const busy = pool.spawnWith({ executor: exec }, function* () {
      yield event;
    });
    const quick = [1, 2].map(() => pool.spawnWith({ executor: exec }, function* () {}));
    exec.drain();
    expect(() => pool.release(busy)).toThrow(InvalidStateError);
    for (const fiber of quick) pool.release(fiber);
    expect(pool.available).toBe(1);
    busy.halt();
    exec.drain();
    expect(() => new FiberPool(-1)).toThrow(RangeError);
  });

  it('keeps its records when a spawn is refused', () => {
    const exec = new ManualExecutor();
    const pool = new FiberPool();
    const done = pool.spawnWith({ executor: exec }, function* () {});
    exec.drain();
    pool.release(done);
    expect(pool.available).toBe(1);
    const notAFunction = 42 as unknown as () => Generator;
    const notAGenerator = (() => 5) as unknown as () => Generator;
    expect(() => pool.spawn(notAFunction)).toThrow(TypeError);
    expect(() => pool.spawn(notAGenerator)).toThrow(TypeError);
    expect(() => pool.spawnWith({ name: 7 as unknown as string }, function* () {})).toThrow(TypeError);
    expect(pool.available).toBe(1);
  });

  it('spawns on the default executor with spawn()', async () => {
    const pool = new FiberPool();
    const fiber = pool.spawn(function* () {
      yield;
      return 3;
    });
    expect(await fiber).toBe(3);
  });
});
