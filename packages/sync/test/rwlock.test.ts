import { NotHeldError, TimeoutError } from '@spindle/core-context';
import { runSeeded } from '@spindle/executor';
import { describe, expect, it } from 'vitest';
import { RwLock } from '../src/index.js';
import { FAULTS, HALT_SEEDS, haltAtEveryStep, SEEDS, spawnAll } from './helpers/schedule.js';

describe('RwLock', () => {
  it('admits many readers or one writer, never both, under seeded interleavings', () => {
    runSeeded(
      SEEDS,
      (executor) => {
        const lock = new RwLock();
        let readers = 0;
        let writers = 0;
        let writes = 0;
        const all = spawnAll(executor, 6, function* (i) {
          for (let round = 0; round < 10; round++) {
            if (i % 3 === 0) {
              yield* lock.writeLock();
              writers++;
              expect(readers).toBe(0);
              expect(writers).toBe(1);
              yield;
              writes++;
              writers--;
              lock.writeUnlock();
            } else {
              yield lock.readLock(); // a bare yield of the operation works too
              readers++;
              expect(writers).toBe(0);
              yield;
              readers--;
              lock.readUnlock();
            }
          }
        });
        executor.drain();
        expect(all.every((f) => f.status === 'done')).toBe(true);
        expect(writes).toBe(20);
        expect(lock.readerCount).toBe(0);
        expect(lock.writeLocked).toBe(false);
      },
      FAULTS,
    );
  });

  it('queues new readers behind a waiting writer, so writers are not starved', async () => {
    const lock = new RwLock();
    await lock.readLock();
    const order: string[] = [];
    const writer = lock.writeLock().then(() => order.push('writer'));
    expect(lock.tryReadLock()).toBe(false);
    const lateReader = lock.readLock().then(() => order.push('late reader'));
    lock.readUnlock();
    await writer;
    expect(order).toEqual(['writer']);
    lock.writeUnlock();
    await lateReader;
    expect(order).toEqual(['writer', 'late reader']);
    lock.readUnlock();
  });

  it('lets a waiting writer in after at most the readers holding the lock, under seeded interleavings', () => {
    runSeeded(
      SEEDS,
      (executor) => {
        const lock = new RwLock();
        const readers = 3;
        let readEntries = 0;
        let overtaken = -1;
        let writerDone = false;
        // Readers overlap so the lock is never free of readers while they run.
        spawnAll(executor, readers, function* () {
          while (!writerDone) {
            yield* lock.readLock();
            readEntries++;
            yield;
            lock.readUnlock();
          }
        });
        executor.runAtMost(readers * 2);
        spawnAll(executor, 1, function* () {
          const holding = lock.readerCount;
          const queuedAt = readEntries;
          yield* lock.writeLock();
          // Only readers granted before the writer queued (some not yet resumed) enter ahead of it.
          overtaken = readEntries - queuedAt;
          expect(overtaken).toBeLessThanOrEqual(holding);
          writerDone = true;
          lock.writeUnlock();
        });
        executor.drain();
        expect(writerDone).toBe(true);
        expect(overtaken).toBeGreaterThanOrEqual(0);
        expect(lock.readerCount).toBe(0);
      },
      FAULTS,
    );
  });

  it('lets readers in when the writer they queued behind times out', async () => {
    const lock = new RwLock();
    await lock.readLock();
    const writer = lock.writeLock({ timeout: 5 });
    const reader = lock.readLock();
    await expect(writer).rejects.toBeInstanceOf(TimeoutError);
    await reader;
    expect(lock.readerCount).toBe(2);
    lock.readUnlock();
    lock.readUnlock();
    expect(lock.tryWriteLock()).toBe(true);
  });

  it('stays consistent when a reader or writer is halted at any point', () => {
    haltAtEveryStep(HALT_SEEDS, (executor) => {
      const lock = new RwLock();
      const [victim, ...others] = spawnAll(executor, 4, function* (i) {
        const write = i % 2 === 0;
        yield* write ? lock.writeLock() : lock.readLock();
        try {
          yield;
        } finally {
          if (write) lock.writeUnlock();
          else lock.readUnlock();
        }
      });
      return {
        victim: victim!,
        others,
        check() {
          expect(lock.readerCount).toBe(0);
          expect(lock.writeLocked).toBe(false);
          expect(lock.waitingReaders.size + lock.waitingWriters.size).toBe(0);
        },
      };
    });
  });

  it('throws NotHeldError on unlocks without a matching lock', () => {
    expect(() => new RwLock().readUnlock()).toThrow(NotHeldError);
    expect(() => new RwLock().writeUnlock()).toThrow(NotHeldError);
  });
});
