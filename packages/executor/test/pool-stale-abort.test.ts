import type { CancelToken } from '@spindle/core-context';
import { describe, expect, it } from 'vitest';
import { writeValue } from '../dist/pool/protocol/codec.js';
import { PoolMemory, poolMemoryBytes, QUEUED } from '../dist/pool/protocol/shared-memory.js';
import { TaskRunner } from '../dist/pool/worker-thread/task-runner.js';

/**
 * A worker's TaskRunner on one thread, with its parts stubbed: every task is an async
 * function that never settles and records its taskToken().
 */
function runnerOfAsyncTasks() {
  const geometry = { workers: 1, slots: 2, forkSlots: 0, slotBytes: 64 };
  const memory = new PoolMemory(new SharedArrayBuffer(poolMemoryBytes(geometry)), geometry);
  memory.initialize();
  const tokens: CancelToken[] = [];
  const task = () => {
    tokens.push(runner.cancellation('taskToken()').token);
    return new Promise(() => {});
  };
  const modules = { lookup: () => task };
  const results = { publish() {}, reportToMain() {}, notifyMain() {} };
  const runner = new TaskRunner(memory, modules as never, {} as never, {} as never, results as never);
  /** The main thread writes a task into `slot` (its header clears the slot's flags) and a worker runs it. */
  const start = (slot: number): CancelToken => {
    memory.writeHeader(slot, 1, false);
    writeValue(memory, slot, [], null);
    memory.setState(slot, QUEUED);
    void runner.run(slot, false);
    return tokens.at(-1)!;
  };
  return { memory, runner, start };
}

describe('TaskRunner.abort', () => {
  it('ignores an abort message that arrives after its slot was given to the next task', () => {
    const { memory, runner, start } = runnerOfAsyncTasks();
    start(0); // the first task in slot 0: the caller cancels it, its worker's message is late
    memory.markAborted(0);
    // It finished before the message arrived; slot 0 now holds the next task.
    const next = start(0);
    runner.abort(0); // the first task's message
    expect(next.cancelled, 'the next task in the slot was cancelled by a message that was not its own').toBe(
      false,
    );
    memory.markAborted(0); // now the next task is cancelled by its own caller
    runner.abort(0);
    expect(next.cancelled).toBe(true);
    expect(next.reason?.token).toBe(next);
  });
});
