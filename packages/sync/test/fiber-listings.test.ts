import { TimeoutError } from '@spindle/core-context';
import { ManualExecutor } from '@spindle/executor';
import { type Fiber, spawnWith, stuckFibers } from '@spindle/fiber';
import { describe, expect, it } from 'vitest';
import { Condition, Mutex, Semaphore, SharedCondition, SharedMutex, SharedSemaphore } from '../src/index.js';

/** Whether stuckFibers() lists `fiber`, and what it says the fiber waits on. */
function listing(executor: ManualExecutor, fiber: Fiber<unknown>): { stuck: boolean; on: string | null } {
  return { stuck: stuckFibers(executor).some((info) => info.fiber === fiber), on: fiber.waitingOn() };
}

describe('fiber listings of sync waits', () => {
  it('name local waits, and do not call a timed condition wait stuck until it only takes the mutex back', async () => {
    const executor = new ManualExecutor();
    const mutex = new Mutex();
    const condition = new Condition();
    const semaphore = new Semaphore({ permits: 0, capacity: 2 });
    let outcome: unknown = null;
    const timed = spawnWith({ executor }, function* () {
      yield* mutex.lock();
      try {
        yield* condition.wait(mutex, { timeout: 5 });
      } catch (error) {
        outcome = error;
      } finally {
        mutex.unlock();
      }
    });
    const weighted = spawnWith({ executor }, function* () {
      yield* semaphore.acquire(2);
    });
    executor.drain();
    expect(listing(executor, timed)).toEqual({ stuck: false, on: 'Condition.wait(mutex) (timeout 5 ms)' });
    expect(listing(executor, weighted)).toEqual({ stuck: true, on: 'Semaphore.acquire(2)' });
    mutex.tryLock();
    // Timed out, it only waits for the mutex back: no timer can end that.
    await expect
      .poll(() => listing(executor, timed))
      .toEqual({
        stuck: true,
        on: 'Condition.wait(mutex): taking the mutex back',
      });
    expect(outcome).toBe(null);
    mutex.unlock();
    semaphore.release(2);
    executor.drain();
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect([timed.status, weighted.status]).toEqual(['done', 'done']);
  });

  it('name shared waits, and do not call a timed SharedCondition wait stuck', async () => {
    const executor = new ManualExecutor();
    const mutex = new SharedMutex();
    const condition = new SharedCondition();
    const semaphore = new SharedSemaphore({ permits: 0, capacity: 3 });
    mutex.tryLock();
    const locker = spawnWith({ executor }, function* () {
      yield* mutex.lock();
      yield* condition.wait(mutex, { timeout: 60_000 });
      mutex.unlock();
    });
    const acquirer = spawnWith({ executor }, function* () {
      yield* semaphore.acquire(3);
    });
    executor.drain();
    expect(listing(executor, locker)).toEqual({ stuck: true, on: 'SharedMutex.lock()' });
    expect(listing(executor, acquirer)).toEqual({ stuck: true, on: 'SharedSemaphore.acquire(3)' });
    mutex.unlock();
    semaphore.release(3);
    // The shared waits end on a later turn: drain until the fibers have moved on.
    const drained =
      <T>(look: () => T) =>
      () => {
        executor.drain();
        return look();
      };
    await expect
      .poll(drained(() => listing(executor, locker)))
      .toEqual({ stuck: false, on: 'SharedCondition.wait(mutex)' });
    await mutex.lock();
    condition.signal();
    mutex.unlock();
    await expect.poll(drained(() => [locker.status, acquirer.status])).toEqual(['done', 'done']);
  });
});
