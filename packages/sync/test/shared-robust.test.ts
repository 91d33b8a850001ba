import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import {
  BrokenBarrierError,
  InvalidStateError,
  NotHeldError,
  type Operation,
  OwnerDiedError,
  TimeoutError,
} from '@spindle/core-context';
import { spawn } from '@spindle/fiber';
import { describe, expect, it } from 'vitest';
import { SharedBarrier, SharedMutex, SharedRwLock, SharedSemaphore } from '../dist/index.js';

/**
 * A thread's death is seen through /proc (Linux). Where it is missing (macOS, Windows) no
 * death is noticed, as the README says, and these tests would wait for what never comes.
 */
const DEATH_VISIBLE = existsSync('/proc/thread-self');
const whereDeathIsSeen = describe.skipIf(!DEATH_VISIBLE);

const WORKER = new URL('./fixtures/robust-worker.mjs', import.meta.url);
type Style = 'blocking' | 'promise' | 'fiber';
type Death = 'exit' | 'throw' | 'terminate';

function startWorker(data: Record<string, unknown>): Worker {
  const worker = new Worker(WORKER, { workerData: data });
  worker.on('error', () => {}); // a 'throw' holder dies on purpose
  return worker;
}

/** A worker that took `mutex` (the `style` way) and dies by `death` (terminate: by the caller). */
async function startHolder(mutex: SharedMutex, death: Death | undefined, style: Style, busyMs?: number) {
  const holder = startWorker({ role: 'holder', death, style, busyMs, handle: mutex.handle() });
  // Not once(): it would reject when a 'throw' holder's error comes before its message.
  const message = await new Promise((resolve) => holder.once('message', resolve));
  expect(message).toBe('holding');
  return holder;
}

/**
 * Waits for `mutex` the `style` way (blocking: in a worker) and resolves to what the wait
 * ended with: 'locked' or the error's name. After OwnerDiedError it marks the mutex
 * consistent; it always unlocks.
 */
function waitFor(mutex: SharedMutex, style: Style): Promise<string> {
  const settle = (error: unknown): string => {
    if (error instanceof OwnerDiedError) mutex.markConsistent();
    mutex.unlock();
    return error instanceof Error ? error.name : 'locked';
  };
  return waitThe(style, () => mutex.lock(), settle, { handle: mutex.handle() });
}

/**
 * Runs `operation()` the `style` way and resolves to what `settle` makes of its end (null:
 * it completed); blocking: a worker started with `blocking` as its data waits and reports.
 */
function waitThe(
  style: Style,
  operation: () => Operation<unknown>,
  settle: (error: unknown) => string,
  blocking: Record<string, unknown>,
): Promise<string> {
  if (style === 'promise') return Promise.resolve(operation()).then(() => settle(null), settle);
  if (style === 'fiber') {
    const fiber = spawn(function* () {
      try {
        yield* operation();
      } catch (error) {
        return settle(error);
      }
      return settle(null);
    });
    return Promise.resolve(fiber);
  }
  const waiter = startWorker({ role: 'waiter', ...blocking });
  return once(waiter, 'message').then(([outcome]) => outcome as string);
}

/** The mutex works normally again: free, and taken and released without OwnerDiedError. */
function expectConsistentAndFree(mutex: SharedMutex): void {
  expect(mutex.locked).toBe(false);
  expect(mutex.tryLock()).toBe(true);
  mutex.unlock();
}

const HOLDER_STYLES: Record<Death, Style> = { exit: 'blocking', throw: 'promise', terminate: 'fiber' };

whereDeathIsSeen('SharedMutex survives a holder thread that dies', () => {
  for (const death of ['exit', 'throw', 'terminate'] as const) {
    for (const style of ['promise', 'fiber', 'blocking'] as const) {
      it(`holder (${HOLDER_STYLES[death]}) dies by ${death}: a ${style} waiter gets OwnerDiedError with the lock, then it works again`, async () => {
        const mutex = new SharedMutex();
        const holder = await startHolder(mutex, death, HOLDER_STYLES[death]);
        const outcome = waitFor(mutex, style);
        if (death === 'terminate') await holder.terminate();
        expect(await outcome).toBe('OwnerDiedError');
        expectConsistentAndFree(mutex);
      });
    }
  }

  it('a mutex unlocked without markConsistent stays marked: the next locker, tryLock too, gets OwnerDiedError', async () => {
    const mutex = new SharedMutex();
    await startHolder(mutex, 'exit', 'blocking');
    await expect(Promise.resolve(mutex.lock())).rejects.toBeInstanceOf(OwnerDiedError);
    mutex.unlock();
    expect(() => mutex.tryLock()).toThrow(OwnerDiedError);
    expect(mutex.locked).toBe(true);
    mutex.markConsistent();
    expect(() => mutex.markConsistent()).toThrow(InvalidStateError);
    mutex.unlock();
    expect(() => mutex.markConsistent()).toThrow(NotHeldError);
    expectConsistentAndFree(mutex);
  });

  it('a holder that is alive but busy for several check intervals is never declared dead', async () => {
    const mutex = new SharedMutex();
    const holder = await startHolder(mutex, undefined, 'blocking', 600);
    const exited = once(holder, 'exit');
    const outcomes = await Promise.all([waitFor(mutex, 'promise'), waitFor(mutex, 'blocking')]);
    expect(outcomes).toEqual(['locked', 'locked']);
    await exited;
    expectConsistentAndFree(mutex);
  });
});

describe('a SharedSemaphore keeps no per-thread account: a dying thread never gives it a permit', () => {
  it('a worker acquires the only permit, the main thread releases it for the worker, the worker exits: one acquire succeeds, not two', async () => {
    const semaphore = new SharedSemaphore(1);
    const holder = startWorker({
      role: 'holder',
      primitive: 'semaphore',
      death: 'exit',
      style: 'blocking',
      permits: 1,
      handle: semaphore.handle(),
    });
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    expect(await new Promise((resolve) => holder.once('message', resolve))).toBe('holding');
    semaphore.release(); // a semaphore may be released by any thread
    await exited;
    expect(semaphore.tryAcquire()).toBe(true);
    // Waits longer than a check interval: nothing may hand out a second permit.
    await expect(Promise.resolve(semaphore.acquire(1, { timeout: 400 }))).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(semaphore.available).toBe(0);
    semaphore.release();
  });

  it('permits a worker dies holding stay taken (documented: only a timeout ends a wait for them)', async () => {
    const semaphore = new SharedSemaphore(3);
    const holder = startWorker({
      role: 'holder',
      primitive: 'semaphore',
      death: 'exit',
      style: 'blocking',
      handle: semaphore.handle(),
    });
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    expect(await new Promise((resolve) => holder.once('message', resolve))).toBe('holding');
    await exited;
    await expect(Promise.resolve(semaphore.acquire(2, { timeout: 300 }))).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(semaphore.available).toBe(1);
  });
});

/** Waits for `lock` (as a writer or a reader) the `style` way; like waitFor for the mutex. */
function lockRw(lock: SharedRwLock, writer: boolean, style: Style): Promise<string> {
  const settle = (error: unknown): string => {
    if (error instanceof OwnerDiedError) lock.markConsistent();
    if (writer) lock.writeUnlock();
    else lock.readUnlock();
    return error instanceof Error ? error.name : 'locked';
  };
  const operation = () => (writer ? lock.writeLock() : lock.readLock());
  return waitThe(style, operation, settle, { primitive: 'rwlock', writer, handle: lock.handle() });
}

async function startRwWorker(lock: SharedRwLock, data: Record<string, unknown>): Promise<Worker> {
  const worker = startWorker({ primitive: 'rwlock', handle: lock.handle(), ...data });
  await new Promise((resolve) => worker.once('message', resolve));
  return worker;
}

function expectRwFree(lock: SharedRwLock): void {
  expect([lock.writeLocked, lock.readerCount]).toEqual([false, 0]);
  expect(lock.tryWriteLock()).toBe(true);
  lock.writeUnlock();
}

whereDeathIsSeen('SharedRwLock survives threads that die holding or waiting for it', () => {
  for (const death of ['exit', 'throw', 'terminate'] as const) {
    for (const style of ['promise', 'fiber', 'blocking'] as const) {
      const writer = style !== 'fiber';
      it(`a writer (${HOLDER_STYLES[death]}) dies by ${death}: a ${style} ${writer ? 'writer' : 'reader'} gets OwnerDiedError with the lock`, async () => {
        const lock = new SharedRwLock();
        const holder = await startRwWorker(lock, { role: 'holder', death, style: HOLDER_STYLES[death] });
        expect(lock.writeLocked).toBe(true);
        const outcome = lockRw(lock, writer, style);
        if (death === 'terminate') await holder.terminate();
        expect(await outcome).toBe('OwnerDiedError');
        expectRwFree(lock);
      });
    }
  }

  it('a reader that dies by terminate is subtracted: a waiting writer gets the lock', async () => {
    const lock = new SharedRwLock();
    const holder = await startRwWorker(lock, {
      role: 'holder',
      death: 'terminate',
      style: 'fiber',
      writer: false,
    });
    expect(lock.readerCount).toBe(1);
    const outcome = lockRw(lock, true, 'promise');
    await holder.terminate();
    expect(await outcome).toBe('locked');
    expectRwFree(lock);
  });

  it('a read lock a worker took and the main thread released for it is not subtracted again when the worker exits', async () => {
    const lock = new SharedRwLock();
    const holder = startWorker({
      role: 'holder',
      primitive: 'rwlock',
      writer: false,
      death: 'exit',
      style: 'blocking',
      handle: lock.handle(),
    });
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    expect(await new Promise((resolve) => holder.once('message', resolve))).toBe('holding');
    lock.readUnlock(); // the main thread releases the worker's read lock
    await exited;
    // A writer waits longer than a check interval, so the dead worker's slot is swept.
    lock.tryReadLock();
    const writer = Promise.resolve(lock.writeLock({ timeout: 10_000 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lock.readerCount).toBe(1);
    lock.readUnlock();
    await writer;
    lock.writeUnlock();
    expect(() => SharedRwLock.attach(lock.view, 0)).not.toThrow();
    expectRwFree(lock);
  });

  const doomedWaiters: [Death, Style][] = [
    ['exit', 'promise'],
    ['throw', 'fiber'],
    ['terminate', 'blocking'],
  ];
  for (const [death, style] of doomedWaiters) {
    it(`a worker that dies by ${death} while it waits for writeLock() (${style}) does not lock out later readers`, async () => {
      const lock = new SharedRwLock();
      lock.tryReadLock();
      const doomed = startWorker({
        role: 'doomed',
        primitive: 'rwlock',
        death,
        style,
        handle: lock.handle(),
      });
      const exited = new Promise((resolve) => doomed.once('exit', resolve));
      expect(await new Promise((resolve) => doomed.once('message', resolve))).toBe('waiting');
      // Once it registered as a waiting writer, new readers queue behind it.
      const readerGetsIn = () => {
        if (!lock.tryReadLock()) return false;
        lock.readUnlock();
        return true;
      };
      await expect.poll(readerGetsIn, { timeout: 20_000 }).toBe(false);
      if (death === 'terminate') await doomed.terminate();
      await exited;
      expect(await lockRw(lock, false, 'promise')).toBe('locked');
      lock.readUnlock();
      expectRwFree(lock);
    });
  }
});

/** How a party that dies while it waits waits: a blocked thread can only be terminated. */
const DOOMED_STYLES: Record<Death, Style> = { exit: 'promise', throw: 'fiber', terminate: 'blocking' };

/**
 * A barrier party that arrives the `style` way and dies by `death` while it waits; resolves
 * once its arrival is recorded in the barrier's thread table, where a sweep finds a dead
 * party. (The state cell counts an arrival one step earlier: a party terminated between
 * the two steps would be counted but not seen dead, and the last arrival would pass.)
 */
async function doomedParty(barrier: SharedBarrier, death: Death, style: Style) {
  const recordedBefore = recordedParties(barrier);
  const party = startWorker({ role: 'doomed', primitive: 'barrier', death, style, handle: barrier.handle() });
  const exited = new Promise((resolve) => party.once('exit', resolve));
  await expect.poll(() => recordedParties(barrier), { timeout: 20_000 }).toBe(recordedBefore + 1);
  return { party, exited };
}

/** Layout of a SharedBarrier's thread table: after 3 cells, one cell, then per slot (tid, start, count). */
const BARRIER_TABLE = 3;
const SLOT = 3;
const TABLE_THREADS = 32;

/**
 * Parties waiting in the current generation as the thread table records them: each slot's
 * count cell holds (generation << 17) | parties, and a count of another generation is stale.
 */
function recordedParties(barrier: SharedBarrier): number {
  const { view, index } = barrier;
  const generation = barrier.generation;
  let parties = 0;
  for (let slot = 0; slot < TABLE_THREADS; slot++) {
    const count = Atomics.load(view, index + BARRIER_TABLE + 1 + slot * SLOT + 2);
    if (count >>> 17 === generation) parties += count & 0xffff;
  }
  return parties;
}

/** Waits at `barrier` the `style` way; resolves to 'leader', 'passed' or the error's name. */
function passBarrier(barrier: SharedBarrier, style: Style): Promise<string> {
  const settle = (error: unknown) => (error instanceof Error ? error.name : 'passed');
  return waitThe(style, () => barrier.wait(), settle, { primitive: 'barrier', handle: barrier.handle() });
}

async function expectUsable(barrier: SharedBarrier, parties: number): Promise<void> {
  const results = await Promise.all(Array.from({ length: parties }, () => Promise.resolve(barrier.wait())));
  expect(results.filter((leader) => leader)).toHaveLength(1);
}

whereDeathIsSeen('SharedBarrier breaks when a party dies while it waits', () => {
  for (const death of ['exit', 'throw', 'terminate'] as const) {
    for (const style of ['promise', 'fiber', 'blocking'] as const) {
      it(`a party (${DOOMED_STYLES[death]}) dies by ${death}: a ${style} party waiting with it gets BrokenBarrierError`, async () => {
        const barrier = new SharedBarrier(3);
        const { party, exited } = await doomedParty(barrier, death, DOOMED_STYLES[death]);
        const outcome = passBarrier(barrier, style);
        if (death === 'terminate') await party.terminate();
        expect(await outcome).toBe(BrokenBarrierError.name);
        await exited;
        await expectUsable(barrier, 3);
      });
    }
  }

  it('the last party to arrive, after the only other one died, gets BrokenBarrierError instead of passing', async () => {
    const barrier = new SharedBarrier(2);
    const { party, exited } = await doomedParty(barrier, 'terminate', 'blocking');
    await party.terminate();
    await exited;
    // Open longer than a wait slice: the last arrival looks whether the waiting parties live.
    await new Promise((resolve) => setTimeout(resolve, 150));
    await expect(Promise.resolve(barrier.wait())).rejects.toBeInstanceOf(BrokenBarrierError);
    await expectUsable(barrier, 2);
  });
});

const DIST = new URL('../dist/index.js', import.meta.url).href;

/** A worker running `body` (an ES module body) with the built package's exports in scope as `sync`. */
function evalWorker(body: string, workerData: unknown): Worker {
  const source = `import { parentPort, workerData } from 'node:worker_threads';\nimport * as sync from ${JSON.stringify(DIST)};\n${body}`;
  const worker = new Worker(source, { eval: true, workerData });
  worker.on('error', () => {});
  return worker;
}

/** A worker that takes `mutex` and exits holding it. */
async function deadHolder(mutex: SharedMutex): Promise<void> {
  const holder = evalWorker(
    'sync.SharedMutex.fromHandle(workerData).tryLock(); process.exit(1);',
    mutex.handle(),
  );
  await once(holder, 'exit');
}

whereDeathIsSeen('a blocking waiter finds a dead holder however it is woken or timed', () => {
  it('lockBlocking({ timeout: 50 }) retried in a loop gets OwnerDiedError', async () => {
    const mutex = new SharedMutex();
    await deadHolder(mutex);
    const waiter = evalWorker(
      `const mutex = sync.SharedMutex.fromHandle(workerData);
       let outcome = 'never';
       for (let tries = 0; tries < 200; tries++) {
         try { mutex.lockBlocking({ timeout: 50 }); outcome = 'locked'; break; }
         catch (error) { if (error.name !== 'TimeoutError') { outcome = error.name; break; } }
       }
       parentPort.postMessage(outcome);`,
      mutex.handle(),
    );
    const [outcome] = await once(waiter, 'message');
    expect(outcome).toBe('OwnerDiedError');
  });

  it('a lockBlocking() woken every 20 ms (churn on the cell) gets OwnerDiedError', async () => {
    const mutex = new SharedMutex();
    await deadHolder(mutex);
    const waiter = evalWorker(
      `const mutex = sync.SharedMutex.fromHandle(workerData);
       try { mutex.lockBlocking({ timeout: 10000 }); parentPort.postMessage('locked'); }
       catch (error) { parentPort.postMessage(error.name); }`,
      mutex.handle(),
    );
    const churn = setInterval(() => Atomics.notify(mutex.view, 0), 20);
    try {
      const [outcome] = await once(waiter, 'message');
      expect(outcome).toBe('OwnerDiedError');
    } finally {
      clearInterval(churn);
    }
  });
});

whereDeathIsSeen('a thread table full of threads that exited', () => {
  it('is swept when the next thread claims a slot, so what that thread holds when it dies is still taken back', async () => {
    const lock = new SharedRwLock();
    const reader = (die: boolean) =>
      evalWorker(
        `const lock = sync.SharedRwLock.fromHandle(workerData.handle);
         lock.tryReadLock();
         if (!workerData.die) lock.readUnlock();
         process.exit(0);`,
        { handle: lock.handle(), die },
      );
    // More threads than the table has slots take a read lock, give it back and exit normally.
    for (let batch = 0; batch < 5; batch++) {
      await Promise.all(Array.from({ length: 8 }, () => once(reader(false), 'exit')));
    }
    await once(reader(true), 'exit');
    expect(lock.readerCount).toBe(1);
    await lock.writeLock({ timeout: 10_000 });
    lock.writeUnlock();
    expectRwFree(lock);
  });
});
