// Uncontended shared operations, one worker thread: what the per-thread tables cost on the
// path that takes and gives back without waiting (ns per pair, best of the runs).
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

export async function uncontended({ iterations, runs }) {
  const worker = new Worker(new URL('./uncontended-worker.mjs', import.meta.url), {
    workerData: { iterations, runs },
  });
  const [results] = await once(worker, 'message');
  return Object.entries(results).map(([impl, value]) => ({
    case: 'shared-uncontended',
    unit: 'ns/op',
    better: 'lower',
    impl,
    value,
    n: iterations,
  }));
}
