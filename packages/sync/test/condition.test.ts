import { InvalidStateError, NotHeldError, TimeoutError } from '@spindle/core-context';
import { ManualExecutor, runSeeded } from '@spindle/executor';
import { spawnWith } from '@spindle/fiber';
import { describe, expect, it } from 'vitest';
import { Condition, Mutex } from '../src/index.js';
import {
  expectEndedByHalt,
  FAULTS,
  HALT_SEEDS,
  haltAtEveryStep,
  SEEDS,
  spawnAll,
} from './helpers/schedule.js';

describe('Condition', () => {
  it('hands items from producers to consumers with no lost wake-up under seeded interleavings', () => {
    runSeeded(
      SEEDS,
      (executor) => {
        const mutex = new Mutex();
        const nonEmpty = new Condition();
        const queue: number[] = [];
        const consumed: number[] = [];
        const producers = spawnAll(executor, 2, function* (p) {
          for (let k = 0; k < 10; k++) {
            yield* mutex.lock();
            queue.push(p * 100 + k);
            if (k % 2 === 0) nonEmpty.signal();
            else nonEmpty.broadcast();
            mutex.unlock();
            yield;
          }
        });
        const consumers = spawnAll(executor, 3, function* () {
          for (;;) {
            yield* mutex.lock();
            while (queue.length === 0 && consumed.length < 20) yield* nonEmpty.wait(mutex);
            expect(mutex.locked).toBe(true);
            const item = queue.shift();
            if (item !== undefined) consumed.push(item);
            const finished = consumed.length === 20;
            if (finished) nonEmpty.broadcast();
            mutex.unlock();
            if (finished) return;
            yield;
          }
        });
        executor.drain();
        expect([...producers, ...consumers].every((f) => f.status === 'done')).toBe(true);
        expect(consumed.sort((a, b) => a - b)).toEqual([
          ...Array(10).keys(),
          ...[...Array(10).keys()].map((k) => 100 + k),
        ]);
        expect(mutex.locked).toBe(false);
      },
      FAULTS,
    );
  });

  it('takes the mutex back before a timed-out wait throws', async () => {
    const mutex = new Mutex();
    const condition = new Condition();
    await mutex.lock();
    let settled = false;
    const outcome = condition.wait(mutex, { timeout: 5 }).then(
      () => 'woken',
      (error: unknown) => {
        settled = true;
        return error;
      },
    );
    expect(mutex.locked).toBe(false);
    await mutex.lock();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    mutex.unlock();
    expect(await outcome).toBeInstanceOf(TimeoutError);
    expect(mutex.locked).toBe(true);
    mutex.unlock();
  });

  it('keeps try/finally mutual exclusion when a waiter is halted at any point', () => {
    haltAtEveryStep(HALT_SEEDS, (executor) => {
      const mutex = new Mutex();
      const condition = new Condition();
      let tokens = 0;
      let inside = 0;
      let overlaps = 0;
      let consumed = 0;
      const enter = (): void => {
        if (++inside !== 1) overlaps++;
      };
      const [victim, ...others] = spawnAll(executor, 3, function* () {
        yield* mutex.lock();
        enter();
        try {
          while (tokens === 0) {
            inside--;
            try {
              yield* condition.wait(mutex);
            } finally {
              enter();
            }
          }
          tokens--;
          consumed++;
        } finally {
          inside--;
          mutex.unlock();
        }
      });
      const producer = spawnAll(executor, 1, function* () {
        for (let k = 0; k < 3; k++) {
          yield* mutex.lock();
          enter();
          tokens++;
          condition.signal();
          inside--;
          mutex.unlock();
          yield;
        }
      });
      return {
        victim: victim!,
        others: [...others, ...producer],
        check(victimFinished) {
          expectEndedByHalt(victim!);
          expect(overlaps).toBe(0);
          expect(mutex.locked).toBe(false);
          expect(condition.waiting).toBe(0);
          expect(consumed).toBeGreaterThanOrEqual(victimFinished ? 3 : 2);
        },
      };
    });
  });

  it('holds the mutex in the finally of a fiber halted in a timed wait', () => {
    runSeeded([1], (executor) => {
      const mutex = new Mutex();
      const condition = new Condition();
      let lockedInFinally: boolean | null = null;
      const [victim] = spawnAll(executor, 1, function* () {
        yield* mutex.lock();
        try {
          yield* condition.wait(mutex, { timeout: 60_000 });
        } finally {
          lockedInFinally = mutex.locked;
          mutex.unlock();
        }
      });
      executor.drain();
      expect(mutex.tryLock()).toBe(true);
      victim!.halt();
      executor.drain();
      expect(lockedInFinally).toBe(null);
      mutex.unlock();
      executor.drain();
      expect(lockedInFinally).toBe(true);
      expect(mutex.locked).toBe(false);
      expectEndedByHalt(victim!);
    });
  });

  it('a fiber halted inside wait(mutex) runs its finally holding the mutex, and no catch block sees the halt', () => {
    runSeeded([1, 2, 3], (executor) => {
      const mutex = new Mutex();
      const condition = new Condition();
      const log: string[] = [];
      const [victim] = spawnAll(executor, 1, function* () {
        yield* mutex.lock();
        try {
          yield* condition.wait(mutex);
          log.push('woken');
        } catch {
          log.push('caught');
        } finally {
          log.push(mutex.locked ? 'finally holding the mutex' : 'finally without the mutex');
          mutex.unlock();
        }
      });
      executor.drain();
      expect(mutex.tryLock()).toBe(true); // another holds it when the halt comes
      victim!.halt();
      executor.drain();
      expect(log).toEqual([]); // the wait takes the mutex back first
      expect(victim!.status).toBe('halting');
      mutex.unlock();
      executor.drain();
      expect(log).toEqual(['finally holding the mutex']);
      expect(victim!.status).toBe('halted');
      expect(mutex.locked).toBe(false);
      expectEndedByHalt(victim!);
    });
  });

  it('needs the mutex held, and one mutex for all current waiters', async () => {
    const condition = new Condition();
    const first = new Mutex();
    const second = new Mutex();
    expect(() => condition.wait(first)).toThrow(NotHeldError);
    await first.lock();
    const waiting = condition.wait(first).then(() => first.unlock());
    await second.lock();
    expect(() => condition.wait(second)).toThrow(InvalidStateError);
    condition.signal();
    await waiting;
  });

  it('a wait parked again without the mutex held fails with NotHeldError and leaves nothing queued', async () => {
    const mutex = new Mutex();
    const condition = new Condition();
    await mutex.lock();
    const wait = condition.wait(mutex); // the cached operation, made while the mutex was held
    mutex.unlock();
    await expect(wait).rejects.toBeInstanceOf(NotHeldError);
    expect(condition.waiting).toBe(0);
    await mutex.lock();
    condition.signal();
    mutex.unlock();
    expect([mutex.locked, mutex.waiting]).toEqual([false, 0]);
  });

  it('a fiber parking a condition wait without the mutex held gets NotHeldError, the mutex stays free', () => {
    const executor = new ManualExecutor();
    const mutex = new Mutex();
    const condition = new Condition();
    mutex.tryLock();
    const wait = condition.wait(mutex);
    mutex.unlock();
    let caught: unknown = null;
    const fiber = spawnWith({ executor }, function* () {
      try {
        yield* wait;
      } catch (error) {
        caught = error;
      }
    });
    executor.drain();
    expect(fiber.status).toBe('done');
    expect(caught).toBeInstanceOf(NotHeldError);
    expect([condition.waiting, mutex.locked, mutex.waiting]).toEqual([0, false, 0]);
    mutex.tryLock();
    condition.signal();
    mutex.unlock();
    expect(mutex.locked).toBe(false);
  });
});
