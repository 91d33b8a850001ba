// Case 6: how long the main thread is busy aborting thousands of submit() calls that wait for room.
import { performance } from 'node:perf_hooks';
import { emit, median } from '@spindle/bench-kit';
import { createRandom } from '@spindle/core-context';
import { ThreadPool } from '../dist/pool/index.js';

const TASKS = new URL('./tasks.mjs', import.meta.url);

/** Fills a 1-worker pool (maxQueue 0) with one busy task, parks `waiters` submits, and times aborting `aborts` of them. */
async function abortWaiters(waiters, aborts, seed) {
  const pool = new ThreadPool({ workers: 1, maxQueue: 0 });
  const busy = pool.run({ module: TASKS, name: 'spin' }, [200]);
  const controllers = Array.from({ length: waiters }, () => new AbortController());
  const submits = controllers.map((c) =>
    pool.submit({ module: TASKS, name: 'addOne' }, [1], { signal: c.signal }).catch(() => {}),
  );
  const random = createRandom(seed);
  const chosen = new Set();
  while (chosen.size < aborts) chosen.add(Math.floor(random() * waiters));
  const start = performance.now();
  for (const index of chosen) controllers[index].abort();
  const ms = performance.now() - start;
  await pool.destroy();
  await Promise.allSettled([busy, ...submits]);
  return ms;
}

export async function submitAborts({ quick, suite }) {
  const waiters = 20_000;
  const aborts = 6_000;
  const runs = quick ? 1 : 3;
  await abortWaiters(2_000, 600, 1); // warm-up
  const times = [];
  for (let r = 0; r < runs; r++) times.push(await abortWaiters(waiters, aborts, r + 2));
  emit({
    suite,
    case: 'submit-aborts',
    impl: 'spindle',
    value: median(times),
    unit: 'ms',
    better: 'lower',
    n: aborts,
  });
}
