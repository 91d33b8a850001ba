import {
  BrokenBarrierError,
  Cancelled,
  CancelSource,
  NotHeldError,
  type Waitable,
} from '@spindle/core-context';
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

/** Every wait of the package, held so it would wait, and whether a withdrawn one leaves no trace. */
function everyWait(): [string, Waitable<unknown>, boolean][] {
  const mutex = new Mutex();
  mutex.tryLock();
  const sharedMutex = new SharedMutex();
  sharedMutex.tryLock();
  return [
    ['Mutex.lock()', mutex.lock(), true],
    ['Mutex.lock({ timeout })', mutex.lock({ timeout: 1000 }), true],
    ['Semaphore.acquire()', new Semaphore({ permits: 0, capacity: 2 }).acquire(), true],
    ['Semaphore.acquire(2)', new Semaphore({ permits: 0, capacity: 2 }).acquire(2), true],
    ['RwLock.readLock()', new RwLock().readLock(), true],
    ['RwLock.writeLock()', new RwLock().writeLock(), true],
    ['Notify.notified()', new Notify().notified(), true],
    ['ResetEvent.wait()', new ResetEvent().wait(), true],
    ['WaitGroup.wait()', new WaitGroup().wait(), true],
    ['Barrier.wait()', new Barrier(2).wait(), false],
    ['Condition.wait(mutex)', new Condition().wait(mutex), false],
    ['SharedMutex.lock()', sharedMutex.lock(), true],
    ['SharedSemaphore.acquire()', new SharedSemaphore(1).acquire(), true],
    ['SharedRwLock.readLock()', new SharedRwLock().readLock(), true],
    ['SharedRwLock.writeLock()', new SharedRwLock().writeLock(), true],
    ['SharedResetEvent.wait()', new SharedResetEvent().wait(), true],
    ['SharedWaitGroup.wait()', new SharedWaitGroup().wait(), true],
    ['SharedBarrier.wait()', new SharedBarrier(2).wait(), false],
    ['SharedCondition.wait(mutex)', new SharedCondition().wait(sharedMutex), false],
  ];
}

describe('selectable', () => {
  it('is declared by every wait: true where a withdrawn wait leaves no trace, false for barriers and conditions', () => {
    for (const [name, wait, selectable] of everyWait()) {
      expect({ name, selectable: wait.selectable }).toEqual({ name, selectable });
    }
  });

  it('Barrier: a withdrawn wait breaks the generation for the other party (so it is not selectable)', () => {
    const barrier = new Barrier(3);
    const wait = barrier.wait();
    const loser = new Recorder();
    const other = new Recorder();
    wait.park(other);
    wait.park(loser);
    expect(wait.unpark(loser)).toBe(true);
    expect(other.outcomes).toHaveLength(1);
    expect(other.outcomes[0]!.outcome).toBeInstanceOf(BrokenBarrierError);
  });

  it('Semaphore: a withdrawn head leaves the queue as if it had never parked (the waiter behind is served)', () => {
    const semaphore = new Semaphore({ permits: 1, capacity: 3 });
    const head = new Recorder('head');
    const behind = new Recorder('behind');
    const acquireTwo = semaphore.acquire(2);
    acquireTwo.park(head);
    semaphore.acquire().park(behind);
    expect(behind.settled).toBe(false);
    expect(acquireTwo.unpark(head)).toBe(true);
    expect(behind.outcomes).toEqual([{ ok: true, outcome: undefined }]);
    expect(semaphore.available).toBe(0);
    expect(semaphore.waiting).toBe(0);
  });

  it('RwLock: a withdrawn writer admits the readers it held back', () => {
    const lock = new RwLock();
    lock.tryReadLock();
    const writer = new Recorder('writer');
    const reader = new Recorder('reader');
    lock.writeLock().park(writer);
    lock.readLock().park(reader);
    expect(reader.settled).toBe(false);
    expect(lock.writeLock().unpark(writer)).toBe(true);
    expect(reader.outcomes).toEqual([{ ok: true, outcome: undefined }]);
    expect(lock.readerCount).toBe(2);
  });
});

describe('claims (rule 3: a refused claim keeps the result)', () => {
  it('Semaphore: a withdrawal that dispatches re-entrantly hands no permit to a waiter refusing its claim', () => {
    const semaphore = new Semaphore({ permits: 1, capacity: 3 });
    const acquireTwo = semaphore.acquire(2);
    const head = new Recorder('head');
    const refusing = new Recorder('refusing');
    const next = new Recorder('next');
    acquireTwo.park(head);
    semaphore.acquire().park(refusing);
    refusing.accepting = false; // its select holds a claim on another case
    expect(acquireTwo.unpark(head)).toBe(true);
    expect(refusing.settled).toBe(false);
    expect(semaphore.available).toBe(1);
    expect(semaphore.waiting).toBe(1); // it keeps its place: its select withdraws it if it won
    // The permit goes to the next waiter that accepts.
    semaphore.acquire().park(next);
    expect(next.settled).toBe(false); // queued behind the refusing one, FIFO
    semaphore.release(1);
    expect(next.outcomes).toEqual([{ ok: true, outcome: undefined }]);
    expect(refusing.settled).toBe(false);
    expect(semaphore.available).toBe(1);
    refusing.accepting = true;
    expect(semaphore.acquire().unpark(refusing)).toBe(true);
    expect(semaphore.available).toBe(1);
  });

  it('RwLock: a withdrawn writer admits readers re-entrantly, passing over one that refuses its claim', () => {
    const lock = new RwLock();
    lock.tryReadLock();
    const writer = new Recorder('writer');
    const refusing = new Recorder('refusing reader');
    const reader = new Recorder('reader');
    lock.writeLock().park(writer);
    lock.readLock().park(refusing);
    lock.readLock().park(reader);
    refusing.accepting = false;
    expect(lock.writeLock().unpark(writer)).toBe(true);
    expect(reader.outcomes).toEqual([{ ok: true, outcome: undefined }]);
    expect(refusing.settled).toBe(false);
    expect(lock.readerCount).toBe(2); // no read lock counted for the refusing reader
    expect(lock.readLock().unpark(refusing)).toBe(true); // it kept its place until withdrawn
  });

  it('RwLock: a writer refusing the free lock at park takes nothing and asks no queued waiter on its behalf', () => {
    const lock = new RwLock();
    lock.tryWriteLock();
    const queued = new Recorder('queued reader');
    lock.readLock().park(queued);
    queued.accepting = false;
    lock.writeUnlock(); // offers the read lock to `queued`, which refuses and keeps its place
    const asked = queued.claimsAsked;
    const writer = new Recorder('refusing writer');
    writer.accepting = false;
    lock.writeLock().park(writer);
    expect(queued.claimsAsked).toBe(asked);
    expect([lock.writeLocked, lock.readerCount, writer.settled]).toEqual([false, 0, false]);
    expect(lock.writeLock().unpark(writer)).toBe(false); // not queued either
    expect(lock.readLock().unpark(queued)).toBe(true);
  });

  it('Mutex: unlock passes over a refusing waiter, which keeps its place', () => {
    const mutex = new Mutex();
    mutex.tryLock();
    const refusing = new Recorder('refusing');
    const next = new Recorder('next');
    mutex.lock().park(refusing);
    mutex.lock().park(next);
    refusing.accepting = false;
    mutex.unlock();
    expect(next.outcomes).toEqual([{ ok: true, outcome: undefined }]);
    expect(mutex.locked).toBe(true);
    expect(mutex.waiting).toBe(1);
    refusing.accepting = true;
    mutex.unlock();
    expect(refusing.outcomes).toEqual([{ ok: true, outcome: undefined }]);
  });

  it('Notify and ResetEvent: a refusing waiter leaves the notification for the next one', () => {
    const notify = new Notify();
    const refusing = new Recorder('refusing');
    refusing.accepting = false;
    notify.notified().park(refusing);
    notify.notifyOne();
    const next = new Recorder('next');
    notify.notified().park(next);
    expect(next.outcomes).toEqual([{ ok: true, outcome: undefined }]); // the stored permit
    const event = new ResetEvent();
    const waiting = new Recorder('waiting');
    const refusingToo = new Recorder('refusing too');
    refusingToo.accepting = false;
    event.wait().park(refusingToo);
    event.wait().park(waiting);
    event.set();
    expect(waiting.settled).toBe(true);
    expect(refusingToo.settled).toBe(false);
  });
});

describe('Condition.wait withdrawn after it released the mutex', () => {
  it("answers 'pending' while another holds the mutex; the failure comes once the mutex is held again", () => {
    const mutex = new Mutex();
    const condition = new Condition();
    mutex.tryLock();
    const wait = condition.wait(mutex);
    const waiter = new Recorder();
    wait.park(waiter);
    expect(mutex.locked).toBe(false);
    mutex.tryLock(); // someone else takes it
    expect(wait.unpark(waiter)).toBe('pending');
    expect(wait.unpark(waiter)).toBe('pending'); // asked again: still coming
    expect(waiter.settled).toBe(false);
    mutex.unlock(); // handed to the withdrawn wait
    expect(waiter.outcomes).toHaveLength(1);
    expect(waiter.outcomes[0]!.ok).toBe(false);
    expect(waiter.outcomes[0]!.outcome).toBeInstanceOf(Cancelled);
    expect(mutex.locked).toBe(true);
    expect(wait.unpark(waiter)).toBe(false);
  });

  it('takes a free mutex back at once and answers true', () => {
    const mutex = new Mutex();
    const condition = new Condition();
    mutex.tryLock();
    const wait = condition.wait(mutex);
    const waiter = new Recorder();
    wait.park(waiter);
    expect(wait.unpark(waiter)).toBe(true);
    expect(mutex.locked).toBe(true);
    expect(condition.waiting).toBe(0);
  });

  it('passes a signal it had not used on, and fails with its cancelled token’s reason', () => {
    const mutex = new Mutex();
    const condition = new Condition();
    mutex.tryLock();
    const source = new CancelSource();
    const cancelled = Object.assign(new Recorder('cancelled'), { token: source.token });
    const other = new Recorder('other');
    condition.wait(mutex).park(cancelled);
    mutex.tryLock();
    condition.wait(mutex).park(other);
    mutex.tryLock();
    condition.signal(); // `cancelled` now waits for the mutex
    source.cancel();
    expect(condition.wait(mutex).unpark(cancelled)).toBe('pending');
    expect(condition.waiting).toBe(0); // the signal went to `other`
    mutex.unlock(); // `other` first: it was queued for the mutex before the withdrawal
    expect(other.outcomes).toEqual([{ ok: true, outcome: undefined }]);
    mutex.unlock();
    expect(cancelled.outcomes).toEqual([{ ok: false, outcome: source.token.reason }]);
    expect(mutex.locked).toBe(true);
  });

  it('timed: counts as timed while a wait of it can still time out, not once all its waits only take the mutex back', () => {
    const mutex = new Mutex();
    const condition = new Condition();
    mutex.tryLock();
    const wait: Waitable<void> = condition.wait(mutex, { timeout: 60_000 });
    const [first, second] = [new Recorder('first'), new Recorder('second')];
    wait.park(first);
    mutex.tryLock();
    wait.park(second);
    mutex.tryLock();
    expect([wait.timed, wait.describe?.()]).toEqual([true, 'Condition.wait(mutex) (timeout 60000 ms)']);
    expect(wait.unpark(first)).toBe('pending');
    expect(wait.timed).toBe(true); // `second` can still time out
    expect(wait.unpark(second)).toBe('pending');
    expect([wait.timed, wait.describe?.()]).toEqual([false, 'Condition.wait(mutex): taking the mutex back']);
    mutex.unlock();
    expect(first.outcomes.map(({ ok }) => ok)).toEqual([false]);
    mutex.unlock();
    expect(second.outcomes.map(({ ok }) => ok)).toEqual([false]);
    mutex.unlock();
    expect([wait.timed, mutex.locked]).toEqual([true, false]);
  });

  it('bounded by a token from async code: rejects with its reason only once the mutex is held again', async () => {
    const mutex = new Mutex();
    const condition = new Condition();
    await mutex.lock();
    const source = new CancelSource();
    let settled = false;
    const outcome = condition.wait(mutex, { token: source.token }).then(
      () => 'woken',
      (error: unknown) => {
        settled = true;
        return error;
      },
    );
    mutex.tryLock();
    source.cancel();
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    mutex.unlock();
    expect(await outcome).toBe(source.token.reason);
    expect(mutex.locked).toBe(true);
  });

  it('SharedCondition: withdrawn, it fails only once the shared mutex is held again', async () => {
    const mutex = new SharedMutex();
    const condition = new SharedCondition();
    mutex.tryLock();
    const wait = condition.wait(mutex);
    const waiter = new Recorder();
    wait.park(waiter);
    expect(mutex.locked).toBe(false);
    mutex.tryLock();
    expect(wait.unpark(waiter)).toBe('pending');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(waiter.settled).toBe(false);
    mutex.unlock();
    await waiter.settledOnce;
    expect(waiter.outcomes).toHaveLength(1);
    expect(waiter.outcomes[0]!.outcome).toBeInstanceOf(Cancelled);
    expect(mutex.locked).toBe(true);
    mutex.unlock();
  });

  it('SharedCondition: a wait parked again without the shared mutex held fails with NotHeldError, taking nothing', async () => {
    const mutex = new SharedMutex();
    const condition = new SharedCondition();
    mutex.tryLock();
    const wait = condition.wait(mutex);
    mutex.unlock();
    await expect(wait).rejects.toBeInstanceOf(NotHeldError);
    expect(mutex.locked).toBe(false);
    mutex.tryLock();
    condition.signal();
    mutex.unlock();
    expect(mutex.locked).toBe(false);
  });
});

describe('each wait on an operation is a new wait', () => {
  it('a semaphore operation awaited twice takes two permits', async () => {
    const semaphore = new Semaphore(4);
    const acquire = semaphore.acquire();
    await acquire;
    await acquire;
    expect(semaphore.available).toBe(2);
    semaphore.release(2);
    const acquireTwo = semaphore.acquire(2);
    // Two waits at once on one weighted operation: each is its own relay in the queue.
    // (`then` parks at once; Promise.all would park a turn later)
    const both = Promise.all([acquireTwo.then(() => 'first'), acquireTwo.then(() => 'second')]);
    expect(semaphore.waiting).toBe(0); // 4 free: both were served at park
    expect(semaphore.available).toBe(0);
    expect(await both).toEqual(['first', 'second']);
    const again = Promise.all([acquireTwo.then(() => 'first'), acquireTwo.then(() => 'second')]);
    expect(semaphore.waiting).toBe(2);
    semaphore.release(2);
    expect(semaphore.waiting).toBe(1);
    semaphore.release(2);
    expect(await again).toEqual(['first', 'second']);
    expect(semaphore.available).toBe(0);
  });

  it('a shared operation waited on by two callers at once serves both', async () => {
    const semaphore = new SharedSemaphore({ permits: 0, capacity: 2 });
    const acquire = semaphore.acquire();
    const both = Promise.all([acquire.then(() => 'first'), acquire.then(() => 'second')]);
    semaphore.release(2);
    expect(await both).toEqual(['first', 'second']);
    expect(semaphore.available).toBe(0);
    const mutex = new SharedMutex();
    const lock = mutex.lock();
    await lock;
    const second = lock.then(() => 'second holds it');
    mutex.unlock();
    expect(await second).toBe('second holds it');
    expect(mutex.locked).toBe(true);
    mutex.unlock();
  });
});
