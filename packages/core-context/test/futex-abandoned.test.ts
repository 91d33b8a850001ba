import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { futexWaitAsync, futexWake } from '../src/index.js';
import { hasAbandonedWaiter } from '../src/shared/abandoned-waiters.js';

const workerUrl = new URL('./fixtures/abandoned-waiter-worker.mjs', import.meta.url);
const sharedCells = (count: number) => new Int32Array(new SharedArrayBuffer(count * 4));
const DEADLINE_MS = 3_000;

/** The worker's first message, or a failure naming `stuck` after DEADLINE_MS; terminates it either way. */
async function messageWithin(worker: Worker, stuck: string): Promise<unknown> {
  const stalled = sleep(DEADLINE_MS).then(() => {
    throw new Error(`no message within ${DEADLINE_MS} ms: ${stuck}`);
  });
  try {
    return await Promise.race([once(worker, 'message').then(([message]) => message), stalled]);
  } finally {
    await worker.terminate();
  }
}

/** Polls `condition` every 2 ms, failing with `what` after DEADLINE_MS. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + DEADLINE_MS;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`not within ${DEADLINE_MS} ms: ${what}`);
    await sleep(2);
  }
}

function abandonWait(view: Int32Array, index: number, timeout?: number): Promise<unknown> {
  const controller = new AbortController();
  const waiting = futexWaitAsync(view, index, 0, { timeout, signal: controller.signal });
  controller.abort();
  return waiting.catch(() => {});
}

describe('abandoned async futex waiters', () => {
  it('are counted per cell until a wake settles them, across views of one buffer', async () => {
    const view = sharedCells(2);
    await abandonWait(view, 1);
    const offsetView = new Int32Array(view.buffer, 4);
    expect(hasAbandonedWaiter(view, 1)).toBe(true);
    expect(hasAbandonedWaiter(offsetView, 0)).toBe(true);
    expect(hasAbandonedWaiter(view, 0)).toBe(false);
    // The wake reaches the abandoned waiter first, which passes it on to the live one.
    const live = futexWaitAsync(view, 1, 0, { timeout: DEADLINE_MS });
    expect(futexWake(view, 1, 1)).toBe(1);
    expect(await live).toBe('ok');
    expect(hasAbandonedWaiter(view, 1)).toBe(false);
  });

  it('are uncounted when their own timeout settles them', async () => {
    const view = sharedCells(1);
    await abandonWait(view, 0, 10);
    expect(hasAbandonedWaiter(view, 0)).toBe(true);
    await until(() => !hasAbandonedWaiter(view, 0), 'the abandoned waiter timed out in V8');
  });

  it('a worker blocked in futexWait behind its abandoned waiter still gets the wake', async () => {
    const view = sharedCells(2);
    const worker = new Worker(workerUrl, {
      workerData: { buffer: view.buffer, index: 0, ready: 1, mode: 'block' },
    });
    await until(() => Atomics.load(view, 1) === 1, 'the worker abandoned its async wait');
    // Let the worker block in futexWait before the wake.
    await sleep(20);
    Atomics.store(view, 0, 1);
    futexWake(view, 0, 1);
    expect(
      await messageWithin(worker, 'the wake went to the abandoned waiter and the worker stayed blocked'),
    ).toBe('woken');
  });

  it('blocking waits stop slicing once the abandoned waiter settled (worker)', async () => {
    const view = sharedCells(1);
    const worker = new Worker(workerUrl, { workerData: { buffer: view.buffer, index: 0, mode: 'settle' } });
    expect(await messageWithin(worker, 'the settle scenario did not finish')).toEqual({
      whileAbandoned: 'ok',
      passedOn: 'ok',
      afterSettled: 'timed-out',
    });
  });
});
