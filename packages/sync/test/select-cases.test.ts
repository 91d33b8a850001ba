import { Deferred, select, sleep, waitFor } from '@spindle/core-context';
import { ManualExecutor } from '@spindle/executor';
import { spawnWith } from '@spindle/fiber';
import { describe, expect, it } from 'vitest';
import {
  Barrier,
  Condition,
  Mutex,
  ResetEvent,
  Semaphore,
  SharedBarrier,
  SharedCondition,
  SharedMutex,
} from '../src/index.js';

// The review of issue 8 saw a losing Barrier case break the barrier for the other party and
// a losing Condition.wait(m) case return with the mutex unlocked. Such waits leave a trace
// when withdrawn, so select refuses them at the call; the others lose without a trace.
describe('sync waits as select cases', () => {
  it('refuses Barrier and Condition waits (local and shared) with a TypeError, touching nothing', () => {
    const barrier = new Barrier(2);
    const mutex = new Mutex();
    const condition = new Condition();
    mutex.tryLock();
    const sharedMutex = new SharedMutex();
    sharedMutex.tryLock();
    const cases = [
      () => barrier.wait(),
      () => condition.wait(mutex),
      () => new SharedBarrier(2).wait(),
      () => new SharedCondition().wait(sharedMutex),
    ];
    for (const make of cases) {
      expect(() => select([new Deferred<void>(), make()])).toThrow(TypeError);
    }
    expect(mutex.locked).toBe(true);
    expect(barrier.arrived).toBe(0);
  });

  it('a losing mutex, semaphore and event case leaves each primitive as it was', async () => {
    const mutex = new Mutex();
    mutex.tryLock();
    const semaphore = new Semaphore(1);
    semaphore.tryAcquire();
    const event = new ResetEvent();
    const reply = new Deferred<string>();
    // A select is lazy, like any operation: `waitFor` (or await) starts the wait.
    const chosen = waitFor(select([mutex.lock(), semaphore.acquire(), event.wait(), reply]));
    expect(mutex.waiting).toBe(1);
    expect(semaphore.waiting).toBe(1);
    reply.resolve('first');
    expect(await chosen).toEqual({ index: 3, value: 'first' });
    expect(mutex.waiting).toBe(0);
    expect(semaphore.waiting).toBe(0);
    mutex.unlock();
    semaphore.release();
    event.set();
    expect(mutex.locked).toBe(false);
    expect(semaphore.available).toBe(1);
  });

  it('a fiber selecting a lock against a sleep takes the lock once it is free, and holds it', () => {
    const exec = new ManualExecutor();
    const mutex = new Mutex();
    mutex.tryLock();
    const log: string[] = [];
    spawnWith({ executor: exec }, function* () {
      const { index } = yield* select([mutex.lock(), sleep(60_000)]);
      log.push(`case ${index}, locked ${mutex.locked}`);
      mutex.unlock();
    });
    exec.drain();
    expect(log).toEqual([]);
    mutex.unlock();
    exec.drain();
    expect(log).toEqual(['case 0, locked true']);
    expect(mutex.locked).toBe(false);
  });
});
