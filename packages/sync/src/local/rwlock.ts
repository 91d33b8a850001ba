import {
  bounded,
  checkWaitOptions,
  List,
  NotHeldError,
  Operation,
  type UnparkResult,
  type Waiter,
  type WaitOptions,
} from '@spindle/core-context';
import { claimFirst } from './waiter-list.js';

/**
 * A readers-writer lock for fibers and async code on one thread. Many readers or one
 * writer hold it. Writers are not starved: once a writer waits, new readers queue behind
 * it. Readers are not starved either: a writer's unlock admits every reader waiting then.
 *
 * Both waits are selectable: a withdrawn reader only leaves its queue; a withdrawn writer
 * that was the last one waiting admits the readers it held back, as if it had never queued
 * (synchronously, inside `unpark`; a reader that refuses its claim there keeps its place).
 */
export class RwLock {
  private readers = 0;
  private writer = false;
  /** @internal */ readonly waitingReaders = new List<Waiter<void>>();
  /** @internal */ readonly waitingWriters = new List<Waiter<void>>();
  private readonly readOperation = new ReadLockOperation(this);
  private readonly writeOperation = new WriteLockOperation(this);

  /** Number of readers holding the lock. */
  get readerCount(): number {
    return this.readers;
  }

  /** True while a writer holds the lock. */
  get writeLocked(): boolean {
    return this.writer;
  }

  tryReadLock(): boolean {
    if (!this.readable) return false;
    this.readers++;
    return true;
  }

  tryWriteLock(): boolean {
    if (!this.writable) return false;
    this.writer = true;
    return true;
  }

  /** A reader may enter now: no writer holds the lock or waits for it. */
  private get readable(): boolean {
    return !this.writer && this.waitingWriters.isEmpty;
  }

  /** A writer may enter now: nobody holds the lock. */
  private get writable(): boolean {
    return !this.writer && this.readers === 0;
  }

  /** Takes a shared (read) lock, waiting while a writer holds or waits for the lock. */
  readLock(options?: WaitOptions): Operation<void> {
    return bounded(this.readOperation, checkWaitOptions(options, 'RwLock.readLock'));
  }

  /** Takes the exclusive (write) lock, waiting while anyone holds it. */
  writeLock(options?: WaitOptions): Operation<void> {
    return bounded(this.writeOperation, checkWaitOptions(options, 'RwLock.writeLock'));
  }

  readUnlock(): void {
    if (this.readers === 0)
      throw new NotHeldError('RwLock.readUnlock() was called but no reader holds the lock');
    if (--this.readers === 0) this.dispatch();
  }

  writeUnlock(): void {
    if (!this.writer) throw new NotHeldError('RwLock.writeUnlock() was called but no writer holds the lock');
    this.writer = false;
    // Readers that queued during this write go first, then the next writer.
    this.admitReaders();
    this.dispatch();
  }

  /**
   * @internal Queues `waiter`, or hands it the read lock, claimed first: one that refuses
   * (rule 3) takes nothing, so no unlock runs and no other waiter is asked on its behalf.
   */
  parkReader(waiter: Waiter<void>): void {
    if (!this.readable) this.waitingReaders.pushBack(waiter);
    else if (waiter.claim()) {
      this.readers++;
      waiter.settle(true, undefined);
    }
  }

  /** @internal as parkReader, for the write lock */
  parkWriter(waiter: Waiter<void>): void {
    if (!this.writable) this.waitingWriters.pushBack(waiter);
    else if (waiter.claim()) {
      this.writer = true;
      waiter.settle(true, undefined);
    }
  }

  /** @internal A writer left the queue: readers it held back may now enter. */
  writerLeft(): void {
    if (this.waitingWriters.isEmpty) this.admitReaders();
  }

  /** Grants the lock to the next writer when it is free, else to waiting readers when no writer waits. */
  private dispatch(): void {
    if (this.writer || this.readers > 0) return;
    const next = claimFirst(this.waitingWriters);
    if (next !== null) {
      this.writer = true;
      next.settle(true, undefined);
      return;
    }
    this.admitReaders();
  }

  private admitReaders(): void {
    if (this.writer) return;
    for (let next = claimFirst(this.waitingReaders); next !== null; next = claimFirst(this.waitingReaders)) {
      this.readers++;
      next.settle(true, undefined);
      if (this.writer) return; // a settle re-entered and a writer took the lock meanwhile
    }
  }
}

class ReadLockOperation extends Operation<void> {
  readonly selectable = true;

  constructor(private readonly lock: RwLock) {
    super();
  }

  /** What a waiting fiber waits on, for debugging listings. */
  describe(): string {
    return 'RwLock.readLock()';
  }

  park(waiter: Waiter<void>): void {
    this.lock.parkReader(waiter);
  }

  unpark(waiter: Waiter<void>): UnparkResult {
    return this.lock.waitingReaders.remove(waiter);
  }

  restore(): void {
    this.lock.readUnlock();
  }
}

class WriteLockOperation extends Operation<void> {
  readonly selectable = true;

  constructor(private readonly lock: RwLock) {
    super();
  }

  /** What a waiting fiber waits on, for debugging listings. */
  describe(): string {
    return 'RwLock.writeLock()';
  }

  park(waiter: Waiter<void>): void {
    this.lock.parkWriter(waiter);
  }

  unpark(waiter: Waiter<void>): UnparkResult {
    if (!this.lock.waitingWriters.remove(waiter)) return false;
    this.lock.writerLeft();
    return true;
  }

  restore(): void {
    this.lock.writeUnlock();
  }
}
