import { performance } from 'node:perf_hooks';
import type { MessagePort } from 'node:worker_threads';
import { markByMessage, writeValue } from '../protocol/codec.js';
import { errorToRecord, shortRecord, uncloneable } from '../protocol/errors.js';
import type { ToMain } from '../protocol/messages.js';
import {
  COMPLETE_SEQ,
  DONE,
  FAILED,
  MAIN_WAITING,
  NEVER_SET,
  type PoolMemory,
} from '../protocol/shared-memory.js';

/** Completions a worker may publish before it must wake the main thread... */
const REPORT_BATCH = 32;
/** ...or how long the oldest of them may wait. */
export const REPORT_DELAY_MS = 0.05;

/**
 * Stores a finished task's result in its slot (or sends it by message) and reports it: to
 * a joiner on the slot's futex for a fork, on the completion ring for a main-thread task.
 */
export class ResultReporter {
  private readonly words: Int32Array;
  private unreported = 0;
  private firstUnreportedAt = 0;

  constructor(
    private readonly memory: PoolMemory,
    private readonly index: number,
    private readonly toMain: MessagePort,
  ) {
    this.words = memory.words;
  }

  /** Stores the outcome of the task in `slot`, marks it DONE or FAILED and reports it. */
  publish(slot: number, fork: boolean, ok: boolean, value: unknown): void {
    const memory = this.memory;
    const problem = this.store(slot, fork, ok ? value : errorToRecord(value));
    if (problem !== null) {
      // A failing task keeps its own error (shortened if need be); a result that cannot cross becomes one.
      const error = ok ? problem : value;
      ok = false;
      if (this.store(slot, fork, errorToRecord(error)) !== null)
        writeValue(memory, slot, shortRecord(error), null);
    }
    memory.countRun(this.index);
    memory.setState(slot, ok ? DONE : FAILED);
    if (fork) memory.notifyState(slot);
    else this.reportToMain(slot);
  }

  /** Puts a result in its slot (or, for a main task, in a message); returns why it could not. */
  private store(slot: number, fork: boolean, payload: unknown): Error | null {
    try {
      // v8.serialize would copy a view over shared memory: only a message keeps it shared.
      const keepShared = !fork && isSharedView(payload);
      if (!keepShared && writeValue(this.memory, slot, payload, null)) return null;
      if (fork)
        return new RangeError('a fork-join result does not fit its slot: raise the pool option slotBytes');
    } catch (error) {
      // v8.serialize refuses shared memory; a message can still carry it to the main thread.
      if (fork) return uncloneable('the fork-join result', error);
    }
    try {
      const message: ToMain = { slot, value: payload };
      this.toMain.postMessage(message);
    } catch (error) {
      return uncloneable('the result', error);
    }
    markByMessage(this.memory, slot);
    return null;
  }

  /**
   * Publishes a finished main-thread task. The main thread is woken when this worker is
   * about to wait (no work, an awaited task, a blocked join) or to start a task that may run
   * long (see QuickFunctions), after a batch of completions, or when results have waited a
   * while. A wake-up costs a syscall only while the main thread sleeps; while it drains,
   * results pile up for one pass.
   */
  reportToMain(slot: number): void {
    // The ring holds every main slot, so it only looks full while the main thread is between
    // claiming a cell and releasing it: wait that out rather than drop the completion.
    while (!this.memory.completions.push(slot)) Atomics.wait(this.words, NEVER_SET, 0, 0.05);
    Atomics.add(this.words, COMPLETE_SEQ, 1);
    const at = performance.now();
    if (this.unreported++ === 0) this.firstUnreportedAt = at;
    if (this.unreported >= REPORT_BATCH || at - this.firstUnreportedAt >= REPORT_DELAY_MS) this.notifyMain();
  }

  /** Wakes the main thread if it waits for completions this worker has published. */
  notifyMain(): void {
    if (this.unreported === 0) return;
    this.unreported = 0;
    const words = this.words;
    // Only the main thread clears the flag: a worker that cleared it could swallow the
    // wake-up another worker's newer completion needs.
    if (Atomics.load(words, MAIN_WAITING) === 1) Atomics.notify(words, COMPLETE_SEQ, 1);
  }
}

function isSharedView(value: unknown): boolean {
  return ArrayBuffer.isView(value) && value.buffer instanceof SharedArrayBuffer;
}
