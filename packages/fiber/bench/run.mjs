/**
 * The "fiber" benchmark suite: ping-pong, spawn+join, idle memory and spawn bytes, each
 * against async/await (or Promise.all), Effection and Effect in the same run.
 * `node --expose-gc bench/run.mjs [--quick]` (the package's `bench` script).
 */
import { benchOptions, emit, nsPerOp, printRatios } from '@spindle/bench-kit';
import { idleMemoryImpls, spawnBytes } from './idle-memory.mjs';
import { pingPongImpls } from './pingpong.mjs';
import { spawnJoinImpls } from './spawn-join.mjs';

const { quick } = benchOptions();
const runs = quick ? 3 : 5;
const warmup = quick ? 3 : 1;
const suite = 'fiber';

// Effection's costs grow with the number of tasks in a scope: it gets a smaller n (reported).
const sizes = quick
  ? { switches: 20_000, tasks: 5_000, idle: 5_000, slowTasks: 2_000, slowIdle: 2_000 }
  : { switches: 1_000_000, tasks: 100_000, idle: 100_000, slowTasks: 10_000, slowIdle: 10_000 };

for (const [impl, body, note] of pingPongImpls()) {
  const n = sizes.switches;
  const value = await nsPerOp(body, { n, runs, warmup });
  emit({ suite, case: 'pingpong', impl, value, unit: 'ns/switch', better: 'lower', n, note });
}

for (const [impl, body, note] of spawnJoinImpls()) {
  const n = impl === 'effection' ? sizes.slowTasks : sizes.tasks;
  const value = await nsPerOp(body, { n, runs, warmup });
  emit({ suite, case: 'spawn-join', impl, value, unit: 'ns/task', better: 'lower', n, note });
}

for (const { impl, note, measure } of idleMemoryImpls()) {
  const n = impl === 'effection' ? sizes.slowIdle : sizes.idle;
  const { bytes, startedAll } = measure(n);
  // Let cancelled peers unwind before the next measurement.
  await new Promise((resolve) => setTimeout(resolve, 10));
  emit({
    suite,
    case: 'idle-memory',
    impl,
    value: bytes,
    unit: 'bytes/task',
    better: 'lower',
    n,
    note,
    startedAll,
  });
}

{
  const n = sizes.idle;
  const { generator, fiber } = spawnBytes(n);
  const note = 'retained by one spawn (Fiber + generator) vs the generator alone';
  emit({
    suite,
    case: 'spawn-bytes',
    impl: 'spindle',
    value: fiber,
    unit: 'bytes/spawn',
    better: 'lower',
    n,
    note,
  });
  emit({
    suite,
    case: 'spawn-bytes',
    impl: 'generator-only',
    value: generator,
    unit: 'bytes/spawn',
    better: 'lower',
    n,
    note,
  });
}

printRatios();
