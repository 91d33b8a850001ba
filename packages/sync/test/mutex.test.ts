import { NotHeldError, TimeoutError, type Waitable } from '@spindle/core-context';
import { ManualExecutor, runSeeded, withFaultSource } from '@spindle/executor';
import { type Fiber, spawnWith } from '@spindle/fiber';
import { describe, expect, it } from 'vitest';
import { Mutex } from '../src/index.js';
import { Recorder } from './helpers/recorder.js';
import { FAULTS, HALT_SEEDS, haltAtEveryStep, SEEDS, spawnAll } from './helpers/schedule.js';

describe('Mutex', () => {
  it('keeps fibers mutually exclusive across a yield, loses no wake-up, and bounds how often a waiter is overtaken', () => {
    runSeeded(
      SEEDS,
      (executor) => {
        const mutex = new Mutex();
        const fibers = 6;
        let inside = 0;
        let acquisitions = 0;
        let worstOvertaking = 0;
        const all = spawnAll(executor, fibers, function* () {
          for (let round = 0; round < 15; round++) {
            const queuedAt = acquisitions;
            yield* mutex.lock();
            worstOvertaking = Math.max(worstOvertaking, acquisitions - queuedAt);
            acquisitions++;
            inside++;
            expect(inside).toBe(1);
            yield;
            inside--;
            mutex.unlock();
            if (round % 3 === 0) yield;
          }
        });
        executor.drain();
        expect(all.map((f) => f.status)).toEqual(Array(fibers).fill('done'));
        expect(acquisitions).toBe(fibers * 15);
        expect(mutex.locked).toBe(false);
        // Each fiber ahead in the queue may be overtaken BARGE_LIMIT times before it is handed
        // the lock, and so may this one once it is at the head.
        const limit = Mutex.BARGE_LIMIT;
        expect(worstOvertaking).toBeLessThanOrEqual((fibers - 1) * (limit + 1) + limit);
      },
      FAULTS,
    );
  });

  it('lets a running fiber take the lock ahead of a woken waiter (barging)', () => {
    runSeeded([1], (executor) => {
      const mutex = new Mutex();
      mutex.tryLock();
      const order: string[] = [];
      const [waiter] = spawnAll(executor, 1, function* () {
        yield* mutex.lock();
        order.push('waiter');
        mutex.unlock();
      });
      executor.drain();
      mutex.unlock();
      // The waiter is woken but has not run: the lock is free for whoever runs first.
      expect(mutex.locked).toBe(false);
      expect(mutex.tryLock()).toBe(true);
      order.push('barger');
      executor.drain();
      expect(waiter!.status).toBe('suspended');
      mutex.unlock();
      executor.drain();
      expect(order).toEqual(['barger', 'waiter']);
      expect(mutex.locked).toBe(false);
    });
  });

  it('hands the lock to a waiter overtaken BARGE_LIMIT times (bounded unfairness)', () => {
    runSeeded(
      SEEDS,
      (executor) => {
        const mutex = new Mutex();
        let bargerAcquisitions = 0;
        let overtaken = -1;
        const [barger] = spawnAll(executor, 1, function* () {
          for (let round = 0; round < 40; round++) {
            yield* mutex.lock();
            bargerAcquisitions++;
            yield;
            mutex.unlock();
          }
        });
        executor.runAtMost(1);
        const [waiter] = spawnAll(executor, 1, function* () {
          const queuedAt = bargerAcquisitions;
          yield* mutex.lock();
          overtaken = bargerAcquisitions - queuedAt;
          mutex.unlock();
        });
        executor.drain();
        expect([barger!.status, waiter!.status]).toEqual(['done', 'done']);
        expect(overtaken).toBeGreaterThanOrEqual(0);
        expect(overtaken).toBeLessThanOrEqual(Mutex.BARGE_LIMIT);
      },
      FAULTS,
    );
    // In FIFO order the barger always runs before the woken waiter: it wins every race the
    // limit allows, and no more.
    const executor = new ManualExecutor();
    const race = bargeAgainstOneWaiter(executor);
    executor.drain();
    expect(race.overtaken).toBe(Mutex.BARGE_LIMIT);
  });

  it('fault point "mutex.unlock": a seeded schedule can hand the lock straight to the woken fiber', () => {
    // Every fault point says yes: each unlock hands the lock to the waiting fiber before it
    // runs, so the barger never overtakes it (it does BARGE_LIMIT times without faults, above).
    const executor = new ManualExecutor({ faults: { yieldProbability: 1 } });
    const race = bargeAgainstOneWaiter(executor);
    withFaultSource(executor, () => executor.drain());
    expect(race.overtaken).toBe(0);
    expect(race.mutex.locked).toBe(false);
  });

  it('keeps counting the losses of a woken waiter when the fiber queued behind it is halted', () => {
    const executor = new ManualExecutor();
    let behind: Fiber<void> | null = null;
    const race = bargeAgainstOneWaiter(executor, (overtaken) => {
      if (overtaken === 2) behind!.halt(); // the woken waiter is retrying now
    });
    behind = spawnWith({ executor }, function* () {
      yield* race.mutex.lock();
      race.mutex.unlock();
    });
    executor.drain();
    expect(behind.status).toBe('halted');
    expect(race.overtaken).toBe(Mutex.BARGE_LIMIT);
  });

  it('stays consistent when a fiber is halted at any point of its wait or critical section', () => {
    haltAtEveryStep(HALT_SEEDS, (executor) => {
      const mutex = new Mutex();
      let entered = 0;
      const body = function* () {
        for (let round = 0; round < 2; round++) {
          yield* mutex.lock();
          try {
            entered++;
            yield;
          } finally {
            mutex.unlock();
          }
        }
      };
      const [victim, ...others] = spawnAll(executor, 3, body);
      return {
        victim: victim!,
        others,
        check() {
          expect(mutex.locked).toBe(false);
          expect(mutex.waiting).toBe(0);
          expect(entered).toBeGreaterThanOrEqual(4);
        },
      };
    });
  });

  it('passes the turn on when a waiter overtaken by a barging fiber is halted at any point', () => {
    haltAtEveryStep(HALT_SEEDS, (executor) => {
      const mutex = new Mutex();
      let acquisitions = 0;
      const waiter = function* () {
        yield* mutex.lock();
        acquisitions++;
        mutex.unlock();
      };
      const barger = spawnAll(executor, 1, function* () {
        for (let round = 0; round < 12; round++) {
          yield* mutex.lock();
          acquisitions++;
          yield;
          mutex.unlock();
        }
      });
      const [victim, bystander] = [spawnWith({ executor }, waiter), spawnWith({ executor }, waiter)];
      return {
        victim: victim!,
        others: [...barger, bystander!],
        check(victimFinished) {
          expect(mutex.locked).toBe(false);
          expect(mutex.waiting).toBe(0);
          expect(acquisitions).toBeGreaterThanOrEqual(victimFinished ? 14 : 13);
        },
      };
    });
  });

  it('works from async code, with tryLock, timeouts and abort signals', async () => {
    const mutex = new Mutex();
    await mutex.lock();
    expect(mutex.tryLock()).toBe(false);
    await expect(mutex.lock({ timeout: 5 })).rejects.toBeInstanceOf(TimeoutError);
    const controller = new AbortController();
    const aborted = mutex.lock({ signal: controller.signal });
    const order: string[] = [];
    const next = mutex.lock().then(() => order.push('next'));
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toMatchObject({ code: 'ERR_SPINDLE_CANCELLED' });
    expect(mutex.waiting).toBe(1);
    mutex.unlock();
    await next;
    expect(order).toEqual(['next']);
    mutex.unlock();
    expect(mutex.tryLock()).toBe(true);
    mutex.unlock();
  });

  it('tells fiber listings what a parked fiber waits on', () => {
    runSeeded([1], (executor) => {
      const mutex = new Mutex();
      mutex.tryLock();
      const [waiter] = spawnAll(executor, 1, function* () {
        yield* mutex.lock();
      });
      executor.drain();
      expect(waiter!.waitingOn()).toBe('Mutex.lock()');
      mutex.unlock();
      executor.drain();
      expect(waiter!.status).toBe('done');
    });
  });

  it('throws NotHeldError when unlocking a free mutex', () => {
    expect(() => new Mutex().unlock()).toThrow(NotHeldError);
  });

  it('passes the lock on when a waiter refuses it, and takes it back through restore', () => {
    const mutex = new Mutex();
    mutex.tryLock();
    const refused = {
      next: null,
      prev: null,
      owner: null,
      group: {},
      claim: () => false,
      settle() {},
      release() {},
      wake: () => false,
      fail: () => false,
    };
    const lock = mutex.lock();
    lock.park(refused);
    mutex.unlock();
    expect(mutex.locked).toBe(false);
    expect(mutex.tryLock()).toBe(true);
    (lock as Waitable<void>).restore?.(undefined);
    expect(mutex.locked).toBe(false);
  });

  it('counts no barge against a woken fiber for a waiter that refused the free lock at park', () => {
    const executor = new ManualExecutor();
    const mutex = new Mutex();
    mutex.tryLock();
    const fiber = spawnWith({ executor }, function* () {
      yield* mutex.lock();
      mutex.unlock();
    });
    executor.drain();
    mutex.unlock(); // the fiber is woken to retry, and has not run yet
    const refusing = new Recorder('refusing');
    refusing.accepting = false;
    for (let i = 0; i < Mutex.BARGE_LIMIT; i++) mutex.lock().park(refusing);
    // Nobody took the lock, so nothing is reserved for the woken fiber: a barging caller gets it.
    expect([mutex.locked, refusing.settled]).toEqual([false, false]);
    expect(mutex.tryLock()).toBe(true);
    mutex.unlock();
    executor.drain();
    expect([fiber.status, mutex.locked]).toEqual(['done', false]);
  });
});

/**
 * A fiber that takes the mutex 40 times in a row (a reschedule inside each hold) against one
 * waiter queued after its first take; `onOvertaken` runs, holding the lock, each time the
 * barger takes it while the waiter waits. Drain the executor, then read `overtaken`.
 */
function bargeAgainstOneWaiter(
  executor: ManualExecutor,
  onOvertaken: (overtaken: number) => void = () => {},
): { mutex: Mutex; readonly overtaken: number } {
  const race = { mutex: new Mutex(), overtaken: 0 };
  let waiting = false;
  spawnWith({ executor }, function* () {
    for (let round = 0; round < 40; round++) {
      yield* race.mutex.lock();
      if (waiting) onOvertaken(++race.overtaken);
      yield;
      race.mutex.unlock();
    }
  });
  executor.runAtMost(1);
  spawnWith({ executor }, function* () {
    waiting = true;
    yield* race.mutex.lock();
    waiting = false;
    race.mutex.unlock();
  });
  return race;
}
