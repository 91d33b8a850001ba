// Suite "sync": mutex contention (fibers vs async-mutex, p-queue, Effect) and a SharedMutex
// shared by 2 worker threads (vs a mutex coordinated by postMessage through the main thread),
// what abandoned shared waits cost (bytes held, hand-off to the next live waiter), N waits
// aborted one at a time, and uncontended shared operations.
import { benchOptions, emit, printRatios } from '@spindle/bench-kit';
import { abandonedWaits } from './abandoned-waits.mjs';
import { abortStorm } from './abort-storm.mjs';
import { mutexContention } from './mutex-contention.mjs';
import { sharedMutexThroughput } from './shared-mutex.mjs';
import { uncontended } from './uncontended.mjs';

const { quick } = benchOptions();

for (const row of await mutexContention(
  quick ? { tasks: 1000, rounds: 20, runs: 1 } : { tasks: 1000, rounds: 100, runs: 3 },
)) {
  emit({ suite: 'sync', case: 'mutex-contention', unit: 'ns/op', better: 'lower', ...row });
}

for (const row of await sharedMutexThroughput(
  quick ? { iterations: 20_000, runs: 1 } : { iterations: 200_000, runs: 3 },
)) {
  emit({ suite: 'sync', case: 'shared-mutex-2-workers', unit: 'ops/s', better: 'higher', ...row });
}

for (const row of await abandonedWaits(
  quick ? { abandoned: 20_000, runs: 1 } : { abandoned: 200_000, runs: 3 },
)) {
  emit({ suite: 'sync', ...row });
}

for (const row of await abortStorm(quick ? { waits: [2000], runs: 1 } : { waits: [2000, 8000], runs: 3 })) {
  emit({ suite: 'sync', ...row });
}

for (const row of await uncontended(
  quick ? { iterations: 200_000, runs: 3 } : { iterations: 2_000_000, runs: 5 },
)) {
  emit({ suite: 'sync', ...row });
}

printRatios();
