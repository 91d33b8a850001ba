import { Cancelled, CancelSource, type Operation, type WaitOptions } from '@spindle/core-context';
import { ManualExecutor } from '@spindle/executor';
import { spawnWith } from '@spindle/fiber';
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
import { Recorder } from './helpers/recorder.js';

/** A wait that blocks on a fresh primitive, and a look that the cancelled wait took nothing. */
interface Family {
  name: string;
  blocked(options: WaitOptions): { wait: Operation<unknown>; untouched(): boolean };
}

const families: Family[] = [
  {
    name: 'Mutex.lock',
    blocked(options) {
      const mutex = new Mutex();
      mutex.tryLock();
      return { wait: mutex.lock(options), untouched: () => mutex.locked && mutex.waiting === 0 };
    },
  },
  {
    name: 'Semaphore.acquire(2)',
    blocked(options) {
      const semaphore = new Semaphore({ permits: 1, capacity: 2 });
      return {
        wait: semaphore.acquire(2, options),
        untouched: () => semaphore.available === 1 && semaphore.waiting === 0,
      };
    },
  },
  {
    name: 'RwLock.writeLock',
    blocked(options) {
      const lock = new RwLock();
      lock.tryReadLock();
      return { wait: lock.writeLock(options), untouched: () => lock.tryReadLock() && lock.readerCount === 2 };
    },
  },
  {
    name: 'Notify.notified',
    blocked(options) {
      const notify = new Notify();
      // No permit stored or taken, and the next notification goes to the next waiter.
      const untouched = () => {
        const next = new Recorder('next');
        notify.notified().park(next);
        const parkedWithoutPermit = !next.settled;
        notify.notifyOne();
        return parkedWithoutPermit && next.outcomes.length === 1;
      };
      return { wait: notify.notified(options), untouched };
    },
  },
  {
    name: 'ResetEvent.wait',
    blocked(options) {
      const event = new ResetEvent();
      return { wait: event.wait(options), untouched: () => !event.isSet() };
    },
  },
  {
    name: 'WaitGroup.wait',
    blocked(options) {
      const group = new WaitGroup();
      group.add(1);
      return { wait: group.wait(options), untouched: () => group.count === 1 };
    },
  },
  {
    name: 'Barrier.wait',
    blocked(options) {
      const barrier = new Barrier(2);
      return { wait: barrier.wait(options), untouched: () => barrier.arrived === 0 };
    },
  },
  {
    name: 'Condition.wait',
    blocked(options) {
      const mutex = new Mutex();
      mutex.tryLock();
      const condition = new Condition();
      // The cancelled wait takes the mutex back: the caller holds it again.
      return {
        wait: condition.wait(mutex, options),
        untouched: () => mutex.locked && condition.waiting === 0,
      };
    },
  },
  {
    name: 'SharedMutex.lock',
    blocked(options) {
      const mutex = new SharedMutex();
      mutex.tryLock();
      return { wait: mutex.lock(options), untouched: () => mutex.locked };
    },
  },
  {
    name: 'SharedSemaphore.acquire(2)',
    blocked(options) {
      const semaphore = new SharedSemaphore({ permits: 1, capacity: 2 });
      return { wait: semaphore.acquire(2, options), untouched: () => semaphore.available === 1 };
    },
  },
  {
    name: 'SharedRwLock.writeLock',
    blocked(options) {
      const lock = new SharedRwLock();
      lock.tryReadLock();
      // A cancelled writer no longer counts as waiting: a new reader enters.
      return { wait: lock.writeLock(options), untouched: () => lock.tryReadLock() };
    },
  },
  {
    name: 'SharedResetEvent.wait',
    blocked(options) {
      const event = new SharedResetEvent();
      return { wait: event.wait(options), untouched: () => !event.isSet() };
    },
  },
  {
    name: 'SharedWaitGroup.wait',
    blocked(options) {
      const group = new SharedWaitGroup();
      group.add(1);
      return { wait: group.wait(options), untouched: () => group.count === 1 };
    },
  },
  {
    name: 'SharedBarrier.wait',
    blocked(options) {
      const barrier = new SharedBarrier(2);
      return { wait: barrier.wait(options), untouched: () => barrier.generation === 1 };
    },
  },
  {
    name: 'SharedCondition.wait',
    blocked(options) {
      const mutex = new SharedMutex();
      mutex.tryLock();
      const condition = new SharedCondition();
      return { wait: condition.wait(mutex, options), untouched: () => mutex.locked };
    },
  },
];

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('the token option', () => {
  for (const family of families) {
    it(`${family.name}: an async wait rejects with the token's reason when it is cancelled`, async () => {
      const source = new CancelSource();
      const { wait, untouched } = family.blocked({ token: source.token });
      const outcome = wait.then(
        () => 'completed',
        (error: unknown) => error,
      );
      await settle();
      source.cancel();
      const error = await outcome;
      expect(error).toBe(source.token.reason);
      expect(error).toBeInstanceOf(Cancelled);
      expect(untouched()).toBe(true);
    });

    it(`${family.name}: a fiber's wait throws the token's reason into the fiber`, async () => {
      const executor = new ManualExecutor();
      const source = new CancelSource();
      const { wait, untouched } = family.blocked({ token: source.token });
      let caught: unknown = null;
      const fiber = spawnWith({ executor }, function* () {
        try {
          yield* wait;
        } catch (error) {
          caught = error;
        }
      });
      executor.drain();
      await settle();
      executor.drain();
      expect(fiber.status).toBe('suspended');
      source.cancel();
      for (let i = 0; i < 50 && fiber.status !== 'done'; i++) {
        await settle();
        executor.drain();
      }
      expect(fiber.status).toBe('done');
      expect(caught).toBe(source.token.reason);
      expect(untouched()).toBe(true);
    });
  }

  it('a token cancelled before the wait fails it at once, taking nothing', async () => {
    const source = new CancelSource();
    source.cancel();
    const mutex = new Mutex();
    await expect(mutex.lock({ token: source.token })).rejects.toBe(source.token.reason);
    expect(mutex.locked).toBe(false);
    const shared = new SharedMutex();
    await expect(shared.lock({ token: source.token })).rejects.toBe(source.token.reason);
    expect(shared.locked).toBe(false);
  });
});
