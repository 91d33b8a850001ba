// Case 6: how long the main thread is busy aborting thousands of submit() calls that wait for
// room, by their AbortSignal or by their CancelToken.
import { performance } from 'node:perf_hooks';
import { emit, median } from '@spindle/bench-kit';
import { CancelSource, createRandom } from '@spindle/core-context';
import { ThreadPool } from '../dist/pool/index.js';

const TASKS = new URL('./tasks.mjs', import.meta.url);

/** How each kind of cancellation is made, handed to submit() and fired. */
const KINDS = {
  signal: {
    make: () => new AbortController(),
    options: (controller) => ({ signal: controller.signal }),
    fire: (controller) => controller.abort(),
  },
  token: {
    make: () => new CancelSource(),
    options: (source) => ({ token: source.token }),
    fire: (source) => source.cancel(),
  },
};

/**
 * Fills a 1-worker pool (maxQueue 0) with one busy task, parks `waiters` submits, and times
 * cancelling `aborts` of them (`kind`: by signal or by token).
 */
async function abortWaiters(kind, waiters, aborts, seed) {
  const { make, options, fire } = KINDS[kind];
  const pool = new ThreadPool({ workers: 1, maxQueue: 0 });
  const busy = pool.run({ module: TASKS, name: 'spin' }, [200]);
  const controllers = Array.from({ length: waiters }, make);
  const submits = controllers.map((c) =>
    pool.submit({ module: TASKS, name: 'addOne' }, [1], options(c)).catch(() => {}),
  );
  const random = createRandom(seed);
  const chosen = new Set();
  while (chosen.size < aborts) chosen.add(Math.floor(random() * waiters));
  const start = performance.now();
  for (const index of chosen) fire(controllers[index]);
  const ms = performance.now() - start;
  await pool.destroy();
  await Promise.allSettled([busy, ...submits]);
  return ms;
}

export async function submitAborts({ quick, suite }) {
  const waiters = 20_000;
  const aborts = 6_000;
  const runs = quick ? 1 : 3;
  for (const [kind, name] of [
    ['signal', 'submit-aborts'],
    ['token', 'submit-aborts-by-token'],
  ]) {
    await abortWaiters(kind, 2_000, 600, 1); // warm-up
    const times = [];
    for (let r = 0; r < runs; r++) times.push(await abortWaiters(kind, waiters, aborts, r + 2));
    emit({
      suite,
      case: name,
      impl: 'spindle',
      value: median(times),
      unit: 'ms',
      better: 'lower',
      n: aborts,
    });
  }
}
