import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { BlockingCallError, Cancelled, Futex, futexWait, futexWaitAsync, futexWake } from '../src/index.js';

const workerUrl = new URL('./fixtures/futex-worker.mjs', import.meta.url);
const childPath = fileURLToPath(new URL('./fixtures/keep-alive-child.mjs', import.meta.url));
const run = promisify(execFile);

const sharedCells = (count: number) => new Int32Array(new SharedArrayBuffer(count * 4));

/** Runs the keep-alive child; a leaked handle would keep it alive until the kill timeout. */
async function childOutput(mode: string): Promise<string> {
  const { stdout } = await run(process.execPath, [childPath, mode], { timeout: 20_000 });
  return stdout.trim();
}

function startWorker(workerData: object): Worker {
  return new Worker(workerUrl, { workerData });
}

async function messageOf(worker: Worker): Promise<unknown> {
  const [message] = await once(worker, 'message');
  await worker.terminate();
  return message;
}

describe('futexWait', () => {
  it('throws BlockingCallError on the main thread instead of freezing it', () => {
    const view = sharedCells(1);
    expect(() => futexWait(view, 0, 0)).toThrow(BlockingCallError);
    expect(() => futexWait(view, 0, 0, 1)).toThrow(/main thread/);
    expect(() => new Futex(view, 0).wait(0)).toThrow(BlockingCallError);
  });

  it('blocks a worker until futexWake reaches it', async () => {
    const view = sharedCells(2);
    const worker = startWorker({ buffer: view.buffer, index: 1, mode: 'wait' });
    while (futexWake(view, 1, 1) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(await messageOf(worker)).toBe('ok');
  });

  it('returns timed-out in a worker when nobody wakes it', async () => {
    const view = sharedCells(1);
    expect(await messageOf(startWorker({ buffer: view.buffer, index: 0, mode: 'wait', timeout: 5 }))).toBe(
      'timed-out',
    );
  });
});

describe('futexWaitAsync', () => {
  it('is woken by a worker calling futexWake', async () => {
    const view = sharedCells(3);
    const waiting = futexWaitAsync(view, 2, 0);
    const worker = startWorker({ buffer: view.buffer, index: 2, mode: 'wake' });
    expect(await waiting).toBe('ok');
    expect(await messageOf(worker)).toBe('woke one');
  });

  it('returns not-equal at once when the cell holds another value', async () => {
    const view = sharedCells(1);
    view[0] = 5;
    expect(await futexWaitAsync(view, 0, 0)).toBe('not-equal');
  });

  it('times out', async () => {
    expect(await futexWaitAsync(sharedCells(1), 0, 0, { timeout: 10 })).toBe('timed-out');
  });

  it('rejects with Cancelled carrying the reason when its signal aborts', async () => {
    const controller = new AbortController();
    const waiting = futexWaitAsync(sharedCells(1), 0, 0, { signal: controller.signal });
    const reason = new Error('shutting down');
    controller.abort(reason);
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Cancelled);
    expect((error as Cancelled).cause).toBe(reason);
  });

  it('rejects at once for a signal that is already aborted', async () => {
    await expect(
      futexWaitAsync(sharedCells(1), 0, 0, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(Cancelled);
  });

  it('an abandoned wait passes a wake it receives on to a live waiter', async () => {
    const view = sharedCells(1);
    const controller = new AbortController();
    const abandoned = futexWaitAsync(view, 0, 0, { signal: controller.signal }).catch((e: unknown) => e);
    controller.abort();
    await abandoned;
    const live = futexWaitAsync(view, 0, 0);
    expect(futexWake(view, 0, 1)).toBe(1);
    expect(await live).toBe('ok');
  });

  it('keeps the event loop alive while it waits, and lets it go after (child processes)', async () => {
    const [timedOut, woken, aborted] = await Promise.all([
      childOutput('timeout'),
      childOutput('wake'),
      childOutput('abort'),
    ]);
    expect(timedOut).toBe('timed-out');
    expect(woken).toBe('ok');
    expect(aborted).toBe('Cancelled');
  });
});

describe('futexWake and the Futex object', () => {
  it('wakes at most count waiters and reports how many', async () => {
    const view = sharedCells(1);
    const waits = [futexWaitAsync(view, 0, 0), futexWaitAsync(view, 0, 0), futexWaitAsync(view, 0, 0)];
    expect(futexWake(view, 0, 2)).toBe(2);
    expect(futexWake(view, 0)).toBe(1);
    expect(futexWake(view, 0)).toBe(0);
    expect(await Promise.all(waits)).toEqual(['ok', 'ok', 'ok']);
  });

  it('Futex wraps one cell, self-allocated or placed', async () => {
    const own = new Futex();
    expect(own.view.length).toBe(Futex.INT32_SLOTS);
    const view = sharedCells(4);
    const placed = new Futex(view, 3);
    placed.store(9);
    expect(view[3]).toBe(9);
    expect(placed.load()).toBe(9);
    const waiting = placed.waitAsync(9);
    expect(placed.wake()).toBe(1);
    expect(await waiting).toBe('ok');
  });

  it('validates views, indexes, counts and timeouts at the call', () => {
    const view = sharedCells(2);
    expect(() => futexWake(new Int32Array(2), 0)).toThrow(TypeError);
    expect(() => futexWake(new Float64Array(new SharedArrayBuffer(16)) as never, 0)).toThrow(TypeError);
    expect(() => futexWake(view, 2)).toThrow(RangeError);
    expect(() => futexWake(view, 0, -1)).toThrow(RangeError);
    expect(() => futexWake(view, 0, 1.5)).toThrow(RangeError);
    expect(() => futexWaitAsync(view, 5, 0)).toThrow(RangeError);
    expect(() => futexWaitAsync(view, 0, 0, { timeout: Number.NaN })).toThrow(RangeError);
    expect(() => futexWait(view, 0, 0, -5)).toThrow(RangeError);
    expect(() => new Futex(view, 2)).toThrow(RangeError);
  });
});
