import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { WaitOptions } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import {
  Barrier,
  Condition,
  Mutex,
  Notify,
  ResetEvent,
  RwLock,
  Semaphore,
  SharedBarrier,
  SharedCondition,
  SharedMutex,
  SharedResetEvent,
  SharedRwLock,
  SharedSemaphore,
  SharedWaitGroup,
  WaitGroup,
} from '../src/index.js';

/** Options no waiting method may accept, with the error each must throw at the call. */
const BAD_OPTIONS: [string, unknown, typeof TypeError | typeof RangeError][] = [
  ['a signal that is a plain object', { signal: {} }, TypeError],
  ['a signal that is a string', { signal: 'abort' }, TypeError],
  ['a negative timeout', { timeout: -1 }, RangeError],
  ['a NaN timeout', { timeout: Number.NaN }, RangeError],
  ['a string timeout', { timeout: '10' }, RangeError],
  ['null options', null, TypeError],
  ['number options', 5, TypeError],
];

/** A waiting call on a fresh primitive, free (`busy` false) or held so the call would wait. */
interface Case {
  name: string;
  call(options: WaitOptions, busy: boolean): { wait(): unknown; untouched(): boolean };
}

function lockCase(
  name: string,
  make: () => { tryLock(): boolean; locked: boolean; lock(o: WaitOptions): unknown },
): Case {
  return {
    name,
    call(options, busy) {
      const lock = make();
      if (busy) lock.tryLock();
      return { wait: () => lock.lock(options), untouched: () => lock.locked === busy };
    },
  };
}

function semaphoreCase(
  name: string,
  make: () => {
    tryAcquire(n: number): boolean;
    available: number;
    acquire(n: number, o: WaitOptions): unknown;
  },
): Case {
  return {
    name,
    call(options, busy) {
      const semaphore = make();
      if (busy) semaphore.tryAcquire(2);
      const before = semaphore.available;
      return { wait: () => semaphore.acquire(1, options), untouched: () => semaphore.available === before };
    },
  };
}

function rwCase(name: string, make: () => RwLock | SharedRwLock, writer: boolean): Case {
  return {
    name,
    call(options, busy) {
      const lock = make();
      if (busy) lock.tryWriteLock();
      const free = () => (writer ? lock.tryWriteLock() : lock.tryReadLock());
      return {
        wait: () => (writer ? lock.writeLock(options) : lock.readLock(options)),
        // Nothing registered: once the holder leaves, the lock is free for anyone.
        untouched: () => {
          if (busy) lock.writeUnlock();
          return free();
        },
      };
    },
  };
}

function eventCase(name: string, wait: (options: WaitOptions) => unknown): Case {
  return { name, call: (options) => ({ wait: () => wait(options), untouched: () => true }) };
}

const CASES: Case[] = [
  lockCase('Mutex.lock', () => new Mutex()),
  lockCase('SharedMutex.lock', () => new SharedMutex()),
  semaphoreCase('Semaphore.acquire', () => new Semaphore(2)),
  semaphoreCase('SharedSemaphore.acquire', () => new SharedSemaphore(2)),
  rwCase('RwLock.readLock', () => new RwLock(), false),
  rwCase('RwLock.writeLock', () => new RwLock(), true),
  rwCase('SharedRwLock.readLock', () => new SharedRwLock(), false),
  rwCase('SharedRwLock.writeLock', () => new SharedRwLock(), true),
  {
    name: 'Barrier.wait',
    call(options) {
      const barrier = new Barrier(2);
      return {
        wait: () => barrier.wait(options),
        // Had the bad call arrived, this wait would complete the generation.
        untouched: () => barrier.arrived === 0,
      };
    },
  },
  {
    name: 'SharedBarrier.wait',
    call(options) {
      const barrier = new SharedBarrier(2);
      return { wait: () => barrier.wait(options), untouched: () => barrier.generation === 0 };
    },
  },
  {
    name: 'Condition.wait',
    call(options) {
      const mutex = new Mutex();
      mutex.tryLock();
      return { wait: () => new Condition().wait(mutex, options), untouched: () => mutex.locked };
    },
  },
  {
    name: 'SharedCondition.wait',
    call(options) {
      const mutex = new SharedMutex();
      mutex.tryLock();
      return { wait: () => new SharedCondition().wait(mutex, options), untouched: () => mutex.locked };
    },
  },
  eventCase('ResetEvent.wait', (options) => new ResetEvent().wait(options)),
  eventCase('SharedResetEvent.wait', (options) => new SharedResetEvent().wait(options)),
  eventCase('Notify.notified', (options) => new Notify().notified(options)),
  eventCase('WaitGroup.wait', (options) => {
    const group = new WaitGroup();
    group.add();
    return group.wait(options);
  }),
  eventCase('SharedWaitGroup.wait', (options) => {
    const group = new SharedWaitGroup();
    group.add();
    return group.wait(options);
  }),
];

describe('waiting methods check their options before anything waits', () => {
  for (const { name, call } of CASES) {
    for (const [what, options, error] of BAD_OPTIONS) {
      for (const busy of [false, true]) {
        it(`${name} with ${what} throws ${error.name} at the call (${busy ? 'held' : 'free'}), leaving nothing taken`, () => {
          const attempt = call(options as WaitOptions, busy);
          expect(() => attempt.wait()).toThrow(error);
          expect(attempt.untouched()).toBe(true);
        });
      }
    }
  }
});

describe('blocking waits check their options before they block or register', () => {
  it('in a worker, writeLockBlocking with a bad timeout throws RangeError and leaves readers free', async () => {
    const lock = new SharedRwLock();
    lock.tryReadLock(); // so the writer would have to wait (and register as waiting)
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.url).then(({ SharedRwLock }) => {
        const lock = SharedRwLock.fromHandle(workerData.handle);
        try {
          lock.writeLockBlocking({ timeout: -1 });
          parentPort.postMessage('no error');
        } catch (error) {
          parentPort.postMessage(error.name);
        }
      });
    `;
    const url = new URL('../dist/index.js', import.meta.url).href;
    const worker = new Worker(source, { eval: true, workerData: { url, handle: lock.handle() } });
    const [outcome] = await once(worker, 'message');
    await once(worker, 'exit');
    expect(outcome).toBe('RangeError');
    // No waiting writer was left registered: a new reader still gets in.
    expect(lock.tryReadLock()).toBe(true);
  });
});
