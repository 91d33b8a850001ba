import {
  BlockingCallError,
  BrokenBarrierError,
  Cancelled,
  NotHeldError,
  TimeoutError,
} from '@spindle/core-context';
import { spawn } from '@spindle/fiber';
import { describe, expect, it } from 'vitest';
import {
  SharedBarrier,
  SharedCondition,
  SharedMutex,
  SharedResetEvent,
  SharedRwLock,
  SharedSemaphore,
  SharedWaitGroup,
} from '../src/index.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('shared primitives on the main thread', () => {
  it('refuse every blocking form with BlockingCallError', () => {
    const mutex = new SharedMutex();
    expect(() => mutex.lockBlocking()).toThrow(BlockingCallError);
    expect(mutex.locked).toBe(false);
    mutex.tryLock();
    expect(() => new SharedSemaphore(1).acquireBlocking()).toThrow(BlockingCallError);
    expect(() => new SharedResetEvent().waitBlocking()).toThrow(BlockingCallError);
    expect(() => new SharedBarrier(2).waitBlocking()).toThrow(BlockingCallError);
    expect(() => new SharedRwLock().writeLockBlocking()).toThrow(BlockingCallError);
    expect(() => new SharedCondition().waitBlocking(mutex)).toThrow(BlockingCallError);
    const group = new SharedWaitGroup();
    group.add();
    expect(() => group.waitBlocking()).toThrow(BlockingCallError);
  });

  it('SharedMutex waits without blocking, times out, aborts, and stays usable', async () => {
    const mutex = new SharedMutex();
    await mutex.lock();
    await expect(mutex.lock({ timeout: 5 })).rejects.toBeInstanceOf(TimeoutError);
    const controller = new AbortController();
    const aborted = mutex.lock({ signal: controller.signal }).then(undefined, (error: unknown) => error);
    controller.abort();
    expect(await aborted).toMatchObject({ code: 'ERR_SPINDLE_CANCELLED' });
    const next = mutex.lock();
    mutex.unlock();
    await next;
    expect(mutex.locked).toBe(true);
    mutex.unlock();
    expect(() => mutex.unlock()).toThrow(NotHeldError);
    expect(mutex.tryLock()).toBe(true);
  });

  it('SharedMutex: a fiber halted while it waits leaves the wait, and the next fiber gets the lock', async () => {
    const mutex = new SharedMutex();
    mutex.tryLock();
    const halted = spawn(function* () {
      yield* mutex.lock();
      return 'halted fiber got the lock';
    });
    const next = spawn(function* () {
      yield* mutex.lock();
      mutex.unlock();
      return 'next';
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    halted.halt();
    mutex.unlock();
    expect(await next).toBe('next');
    expect(halted.status).toBe('halted');
    expect(mutex.locked).toBe(false);
  });

  it('opens the same cells from a handle, also when placed in a caller view with an offset', () => {
    const cells = 2 + SharedSemaphore.INT32_SLOTS;
    const view = new Int32Array(new SharedArrayBuffer((cells + 2) * 4), 8, cells);
    const mutex = new SharedMutex(view, 1);
    const other = SharedMutex.fromHandle(mutex.handle());
    expect(mutex.handle().index).toBe(3);
    expect(other.tryLock()).toBe(true);
    expect(mutex.locked).toBe(true);
    const semaphore = new SharedSemaphore(5, view, 2);
    semaphore.tryAcquire(2);
    const reopened = SharedSemaphore.fromHandle(semaphore.handle());
    expect(reopened.available).toBe(3);
    expect(reopened.capacity).toBe(5);
  });

  it('attach opens live cells without resetting them, where the constructor resets', async () => {
    const rwAt = 9 + SharedSemaphore.INT32_SLOTS;
    const barrierAt = rwAt + SharedRwLock.INT32_SLOTS;
    const view = new Int32Array(new SharedArrayBuffer((barrierAt + SharedBarrier.INT32_SLOTS) * 4));
    const again = () => new Int32Array(view.buffer);
    const mutex = new SharedMutex(view, 0);
    mutex.tryLock();
    const semaphore = new SharedSemaphore({ permits: 1, capacity: 3 }, view, 9);
    semaphore.tryAcquire();
    const event = new SharedResetEvent(view, 3);
    event.set();
    const group = new SharedWaitGroup(view, 4);
    group.add(2);
    const lock = new SharedRwLock(view, rwAt);
    lock.tryReadLock();
    const firstParty = new SharedBarrier(2, view, barrierAt).wait();
    const condition = new SharedCondition(view, 8);
    condition.signal();
    const sequence = view[8];

    expect(SharedMutex.attach(again(), 0).locked).toBe(true);
    expect([
      SharedSemaphore.attach(again(), 9).available,
      SharedSemaphore.attach(again(), 9).capacity,
    ]).toEqual([0, 3]);
    expect(SharedResetEvent.attach(again(), 3).isSet()).toBe(true);
    expect(SharedWaitGroup.attach(again(), 4).count).toBe(2);
    expect(SharedRwLock.attach(again(), rwAt).readerCount).toBe(1);
    const barrier = SharedBarrier.attach(again(), barrierAt);
    expect(barrier.parties).toBe(2);
    // The first party's arrival was kept: one more completes the generation.
    await Promise.all([firstParty, barrier.wait()]);
    expect(barrier.generation).toBe(1);
    SharedCondition.attach(again(), 8);
    expect(view[8]).toBe(sequence);

    expect(new SharedMutex(again(), 0).locked).toBe(false);
    expect(new SharedWaitGroup(again(), 4).count).toBe(0);
  });

  it('rejects bad placement and bad counts', () => {
    expect(() => new SharedMutex(new Int32Array(4) as Int32Array, 0)).toThrow(TypeError);
    expect(() => new SharedMutex(new Int32Array(new SharedArrayBuffer(8)), 2)).toThrow(RangeError);
    expect(() => new SharedSemaphore(1).release()).toThrow(NotHeldError);
    expect(() => new SharedSemaphore(1).acquire(2)).toThrow(RangeError);
    expect(() => new SharedWaitGroup().done()).toThrow(NotHeldError);
    expect(() => new SharedBarrier(0)).toThrow(RangeError);
    expect(() => new SharedRwLock().readUnlock()).toThrow(NotHeldError);
    expect(() => new SharedRwLock().writeUnlock()).toThrow(NotHeldError);
    expect(() => SharedMutex.fromHandle({} as never)).toThrow(TypeError);
  });

  it('SharedSemaphore serves async waiters as permits come back', async () => {
    const semaphore = new SharedSemaphore(2);
    await semaphore.acquire(2);
    const waiting = semaphore.acquire(2);
    semaphore.release();
    semaphore.release();
    await waiting;
    expect(semaphore.available).toBe(0);
  });

  it('SharedSemaphore starts with no permits below a larger capacity', async () => {
    const semaphore = new SharedSemaphore({ permits: 0, capacity: 2 });
    const waiting = semaphore.acquire(2);
    semaphore.release(2);
    await waiting;
    semaphore.release(2);
    expect(() => semaphore.release()).toThrow(NotHeldError);
    expect(SharedSemaphore.fromHandle(semaphore.handle()).capacity).toBe(2);
    expect(() => new SharedSemaphore(0)).toThrow(RangeError);
    expect(() => new SharedSemaphore({ permits: 0, capacity: 2 ** 31 })).toThrow(RangeError);
  });

  it('SharedBarrier is broken by a party that times out, then works again', async () => {
    const barrier = new SharedBarrier(3);
    const other = barrier.wait().then(undefined, (error: unknown) => error);
    await expect(barrier.wait({ timeout: 5 })).rejects.toBeInstanceOf(TimeoutError);
    expect(await other).toBeInstanceOf(BrokenBarrierError);
    const results = await Promise.all([barrier.wait(), barrier.wait(), barrier.wait()]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('SharedRwLock queues a reader behind a waiting writer and lets it in when the writer leaves', async () => {
    const lock = new SharedRwLock();
    await lock.readLock();
    const controller = new AbortController();
    const writer = lock.writeLock({ signal: controller.signal }).then(undefined, (error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(lock.tryReadLock()).toBe(false);
    const reader = lock.readLock();
    controller.abort();
    await writer;
    await reader;
    expect(lock.readerCount).toBe(2);
  });

  it('SharedCondition takes the mutex back before a timed-out wait throws, and wakes on signal', async () => {
    const mutex = new SharedMutex();
    const condition = new SharedCondition();
    await mutex.lock();
    await expect(condition.wait(mutex, { timeout: 5 })).rejects.toBeInstanceOf(TimeoutError);
    expect(mutex.locked).toBe(true);
    const woken = condition.wait(mutex).then(() => 'woken');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await mutex.lock();
    condition.signal();
    mutex.unlock();
    expect(await woken).toBe('woken');
    expect(mutex.locked).toBe(true);
  });

  for (const haltWhile of ['sleeping', 'retaking the mutex'] as const) {
    it(`SharedCondition: a fiber halted while ${haltWhile} takes the mutex back before its finally unlocks it`, async () => {
      const mutex = new SharedMutex();
      const condition = new SharedCondition();
      const log: string[] = [];
      const waiter = (name: string) =>
        spawn(function* () {
          yield* mutex.lock();
          try {
            yield* condition.wait(mutex);
            log.push(`${name} woken`);
          } finally {
            log.push(`${name} unlocks a ${mutex.locked ? 'held' : 'free'} mutex`);
            mutex.unlock();
          }
        });
      const victim = waiter('victim');
      const victimEnd = victim.join().then(undefined, (error: unknown) => error);
      await pause(5);
      const bystander = waiter('bystander');
      await pause(5);
      expect(mutex.tryLock()).toBe(true);
      if (haltWhile === 'retaking the mutex') {
        condition.signal();
        await pause(5);
      }
      victim.halt();
      await pause(5);
      expect(log).toEqual([]);
      // The victim's signal, if it had one, went on to the bystander; otherwise this one does.
      if (haltWhile === 'sleeping') condition.signal();
      mutex.unlock();
      await bystander;
      expect(await victimEnd).toBeInstanceOf(Cancelled);
      expect(victim.status).toBe('halted');
      // Who takes the mutex first after the unlock is up to the race between the two.
      expect(log.sort()).toEqual([
        'bystander unlocks a held mutex',
        'bystander woken',
        'victim unlocks a held mutex',
      ]);
      expect(mutex.locked).toBe(false);
    });
  }

  it('SharedResetEvent and SharedWaitGroup wake async waiters', async () => {
    const event = new SharedResetEvent();
    const waiting = event.wait();
    event.set();
    await waiting;
    expect(event.isSet()).toBe(true);
    event.reset();
    await expect(event.wait({ timeout: 5 })).rejects.toBeInstanceOf(TimeoutError);
    const group = new SharedWaitGroup();
    group.add(2);
    const done = group.wait();
    group.done();
    group.done();
    await done;
  });
});
