import { NativeBindingError } from '@spindle/core-context';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ThreadPool } from '../dist/pool/index.js';
import { outcome, TASKS, within, withPool } from './pool-helpers.js';

// Acts as a system without the addon (macOS, musl, an old glibc): core-context's binding
// loads the file this names, in this process and in the workers it starts from now on.
beforeEach(() => {
  process.env.SPINDLE_NATIVE_ADDON = '/nonexistent/spindle-core-context.node';
});
afterEach(() => {
  delete process.env.SPINDLE_NATIVE_ADDON;
});

describe('ThreadPool without the native addon', () => {
  it('starts and runs tasks when unpinned', async () => {
    await withPool({ workers: 2 }, async (pool) => {
      await within(10_000, 'ready()', pool.ready());
      expect(await pool.run(pool.task(TASKS, 'addOne'), [41])).toBe(42);
      expect(pool.metrics().workers.map((w) => [w.threadId, w.cpus])).toEqual([
        [-1, []],
        [-1, []],
      ]);
    });
  });

  it('rejects ready() of a pinned pool with NativeBindingError saying to drop `pin`', async () => {
    await withPool({ workers: 1, pin: [0] }, async (pool) => {
      const error = await within(10_000, 'ready()', outcome(pool.ready()));
      expect(error).toBeInstanceOf(NativeBindingError);
      expect((error as Error).message).toMatch(
        /^worker 0 could not pin itself to CPU 0: pinning needs the native addon .*; create the pool without `pin`$/,
      );
      expect(await pool.run(pool.task(TASKS, 'addOne'), [1])).toBe(2); // it runs, unpinned
    });
  });

  it('refuses pin: true at the constructor with NativeBindingError saying to drop `pin`', () => {
    expect(() => new ThreadPool({ workers: 1, pin: true })).toThrow(NativeBindingError);
    expect(() => new ThreadPool({ workers: 1, pin: true })).toThrow(
      /^pin: true: pinning needs the native addon/,
    );
  });
});
