// spinlock-uncontended: lock + unlock on one thread. spinlock-contended: two real worker
// threads each doing lock / non-atomic increment / unlock; ns per lock/unlock pair is the
// slower worker's time over both workers' pairs.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { emit, median, nsPerOp } from '@spindle/bench-kit';
import { SpinLock } from '../dist/index.js';

// The worker entry the SpinLock tests use: same start line, same loop.
const workerUrl = new URL('../test/fixtures/spinlock-worker.mjs', import.meta.url);

export async function run({ quick }) {
  await uncontended(quick);
  await contended(quick);
}

async function uncontended(quick) {
  const n = quick ? 1_000_000 : 20_000_000;
  const lock = new SpinLock();
  const value = await nsPerOp(
    (count) => {
      for (let i = 0; i < count; i++) {
        lock.lock();
        lock.unlock();
      }
    },
    { n, runs: quick ? 3 : 7 },
  );
  emit({
    suite: 'core-context',
    case: 'spinlock-uncontended',
    impl: 'spindle',
    value,
    unit: 'ns/op',
    better: 'lower',
    n,
  });
}

async function contended(quick) {
  const iterations = quick ? 50_000 : 1_000_000;
  const samples = [];
  for (let round = 0; round < (quick ? 1 : 5); round++) {
    const view = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
    const workerData = { buffer: view.buffer, lockIndex: 1, counterIndex: 2, startIndex: 0, iterations };
    const workers = [new Worker(workerUrl, { workerData }), new Worker(workerUrl, { workerData })];
    const reports = await Promise.all(workers.map((worker) => once(worker, 'message')));
    await Promise.all(workers.map((worker) => worker.terminate()));
    if (view[2] !== 2 * iterations) throw new Error(`lost updates: ${view[2]} of ${2 * iterations}`);
    const slowest = Math.max(...reports.map(([report]) => report.elapsedMs));
    samples.push((slowest * 1e6) / (2 * iterations));
  }
  emit({
    suite: 'core-context',
    case: 'spinlock-contended',
    impl: 'spindle',
    value: median(samples),
    unit: 'ns/op',
    better: 'lower',
    n: 2 * iterations,
    threads: 2,
  });
}
