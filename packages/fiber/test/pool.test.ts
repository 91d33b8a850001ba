import { InvalidStateError } from '@spindle/core-context';
import { ManualExecutor } from '@spindle/executor';
import { describe, expect, it } from 'vitest';
import { FiberPool } from '../src/index.js';
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
