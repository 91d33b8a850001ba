import { describe, expect, it } from 'vitest';
import { SharedRwLock } from '../dist/index.js';

/**
 * A thread can be terminated between any two atomic steps of an operation. These tests
 * kill the main thread's part at every step, deterministically: the k-th atomic write
 * throws instead of happening, then the thread's table slot is handed to a thread id that
 * does not exist (what a terminated thread looks like to a sweep), and a sweep runs. What
 * the sweep gives back must never exceed what the dead thread held: the state stays one a
 * live thread could have left (a leak is allowed, a reader count below zero is not).
 */

const WRITES = ['add', 'compareExchange', 'exchange', 'store', 'sub'] as const;
/** No Linux thread has this id (ids stay below 2^22 - 1 in practice): a sweep finds it gone. */
const DEAD_TID = (1 << 22) - 1;
const TABLE = 1;
const SLOT = 3;
const TABLE_THREADS = 32;

class Killed extends Error {}

/** Runs `steps`, throwing Killed instead of its `k`-th atomic write; true when it ran to the end. */
function dieAtWrite(k: number, steps: () => void): boolean {
  const saved = WRITES.map((name) => [name, Atomics[name]] as const);
  let writes = 0;
  for (const [name, original] of saved) {
    // biome-ignore lint/suspicious/noExplicitAny: the atomics are patched generically
    (Atomics as any)[name] = (...args: any[]) => {
      if (writes++ === k) throw new Killed();
      // biome-ignore lint/suspicious/noExplicitAny: the atomics are patched generically
      return (original as any)(...args);
    };
  }
  try {
    steps();
    return true;
  } catch (error) {
    if (!(error instanceof Killed)) throw error;
    return false;
  } finally {
    // biome-ignore lint/suspicious/noExplicitAny: restoring the patched atomics
    for (const [name, original] of saved) (Atomics as any)[name] = original;
  }
}

/** Makes this thread's table slot look like a dead thread's. */
function buryThisThread(lock: SharedRwLock): void {
  for (let slot = 0; slot < TABLE_THREADS; slot++) {
    const at = TABLE + 1 + slot * SLOT;
    if ((lock.view[at] ?? 0) > 0) {
      lock.view[at] = DEAD_TID;
      lock.view[at + 1] = 0;
    }
  }
}

function expectValidState(lock: SharedRwLock, at: string): void {
  const state = Atomics.load(lock.view, 0);
  const readers = state & 0x7fff;
  const writer = (state & 0x8000) !== 0;
  expect({
    at,
    negative: state < 0,
    writerWithReaders: writer && readers > 0,
    readers: readers <= 1,
    waitingWriters: state >>> 16 <= 1,
  }).toEqual({
    at,
    negative: false,
    writerWithReaders: false,
    readers: true,
    waitingWriters: true,
  });
}

/** What a waiter does about every 100 ms (internal, not in the public types). */
function sweep(lock: SharedRwLock): void {
  (lock as unknown as { sweepDeadHolders(): void }).sweepDeadHolders();
}

const scenarios: Record<string, (lock: SharedRwLock) => void> = {
  'tryReadLock, readUnlock': (lock) => {
    lock.tryReadLock();
    lock.readUnlock();
  },
  'tryWriteLock, writeUnlock': (lock) => {
    lock.tryWriteLock();
    lock.writeUnlock();
  },
  'a writer registers as waiting behind a reader, enters when it leaves, unlocks': (lock) => {
    const internal = lock as unknown as {
      registerWriter(): void;
      enterWrite(registered: boolean): true | number;
    };
    lock.tryReadLock();
    internal.registerWriter();
    lock.readUnlock();
    expect(internal.enterWrite(true)).toBe(true);
    lock.writeUnlock();
  },
  'a writer registers as waiting and gives up': (lock) => {
    const internal = lock as unknown as { registerWriter(): void; unregisterWriter(): void };
    internal.registerWriter();
    internal.unregisterWriter();
  },
  'two readers, two readUnlocks': (lock) => {
    lock.tryReadLock();
    lock.tryReadLock();
    lock.readUnlock();
    lock.readUnlock();
  },
};

describe('a thread killed between any two atomic steps of a SharedRwLock operation', () => {
  for (const [name, steps] of Object.entries(scenarios)) {
    it(`${name}: the sweep leaves a state a live thread could have left`, () => {
      for (let k = 0; ; k++) {
        const lock = new SharedRwLock();
        const finished = dieAtWrite(k, () => steps(lock));
        buryThisThread(lock);
        sweep(lock);
        expectValidState(lock, `killed before atomic write ${k}`);
        if (finished) break;
      }
    });
  }
});
