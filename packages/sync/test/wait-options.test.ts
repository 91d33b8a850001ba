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
  ['a token that is a plain object', { token: { cancelled: false } }, TypeError],
  ['a negative timeout', { timeout: -1 }, RangeError],
  ['a NaN timeout', { timeout: Number.NaN }, RangeError],
  ['a string timeout', { timeout: '10' }, RangeError],
  ['null options', null, TypeError],
  ['number options', 5, TypeError],
];

/**
 * A waiting call on a fresh primitive, free (`busy` false) or held so the call would wait;
 * `untouched` (where it can be seen) says, after the holder let go, that the primitive is
 * really free: had the call not thrown, the operation the test starts would have taken it.
 */
interface Case {
  name: string;
  call(options: WaitOptions, busy: boolean): { wait(): unknown; untouched?(): boolean };
}

function lockCase(
  name: string,
  make: () => { tryLock(): boolean; unlock(): void; lock(o: WaitOptions): unknown },
): Case {
  return {
    name,
    call(options, busy) {
      const lock = make();
      if (busy) lock.tryLock();
      return {
        wait: () => lock.lock(options),
        untouched: () => {
          if (busy) lock.unlock();
          if (!lock.tryLock()) return false;
          lock.unlock();
          return true;
        },
      };
    },
  };
}

function semaphoreCase(
  name: string,
  make: () => {
    tryAcquire(n: number): boolean;
    release(n: number): void;
    available: number;
    acquire(n: number, o: WaitOptions): unknown;
  },
): Case {
  return {
    name,
    call(options, busy) {
      const semaphore = make();
      if (busy) semaphore.tryAcquire(2);
      return {
        wait: () => semaphore.acquire(1, options),
        untouched: () => {
          if (busy) semaphore.release(2);
          return semaphore.available === 2;
        },
      };
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

/** An event-like wait; `waiters` counts what a started wait would have registered, where it can be seen. */
function eventCase(
  name: string,
  wait: (options: WaitOptions) => { op: unknown; waiters?: () => number },
): Case {
  return {
    name,
    call(options) {
      let waiters: (() => number) | undefined;
      return {
        wait: () => {
          const made = wait(options);
          waiters = made.waiters;
          return made.op;
        },
        untouched: () => waiters === undefined || waiters() === 0,
      };
    },
  };
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
      return {
        wait: () => barrier.wait(options),
        untouched: () => (Atomics.load(barrier.view, 0) & 0xffff) === 0,
      };
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
  eventCase('ResetEvent.wait', (options) => ({ op: new ResetEvent().wait(options) })),
  eventCase('SharedResetEvent.wait', (options) => {
    const event = new SharedResetEvent();
    return { op: event.wait(options), waiters: () => Atomics.notify(event.view, 0) };
  }),
  eventCase('Notify.notified', (options) => ({ op: new Notify().notified(options) })),
  eventCase('WaitGroup.wait', (options) => {
    const group = new WaitGroup();
    group.add();
    return { op: group.wait(options) };
  }),
  eventCase('SharedWaitGroup.wait', (options) => {
    const group = new SharedWaitGroup();
    group.add();
    return { op: group.wait(options), waiters: () => Atomics.notify(group.view, 0) };
  }),
];

describe('waiting methods check their options before anything waits', () => {
  for (const { name, call } of CASES) {
    for (const [what, options, error] of BAD_OPTIONS) {
      for (const busy of [false, true]) {
        it(`${name} with ${what} throws ${error.name} at the call (${busy ? 'held' : 'free'}), leaving nothing taken`, async () => {
          const attempt = call(options as WaitOptions, busy);
          // Starts the operation, so a call that did not check would really wait or take.
          const start = () => Promise.resolve(attempt.wait()).catch(() => {});
          expect(start).toThrow(error);
          await new Promise((resolve) => setImmediate(resolve));
          if (attempt.untouched) expect(attempt.untouched()).toBe(true);
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
    // Listen for the exit first: a worker that exits before its message is read has the
    // message and the exit emitted in one go, with no turn in between to add a listener.
    const exited = once(worker, 'exit');
    const [outcome] = await once(worker, 'message');
    await exited;
    expect(outcome).toBe('RangeError');
    // No waiting writer was left registered: a new reader still gets in.
    expect(lock.tryReadLock()).toBe(true);
  });
});
