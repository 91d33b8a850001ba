// Cases 2 and 3: 1 ms CPU tasks (speedup over the main thread) and an uneven fan-out (makespan).
import { performance } from 'node:perf_hooks';
import { emit, median } from '@spindle/bench-kit';
import { spin } from './tasks.mjs';

async function timed(body) {
  const start = performance.now();
  await body();
  return performance.now() - start;
}

export async function cpuTasks({ quick, pools, suite }) {
  const count = quick ? 100 : 400;
  const runs = quick ? 1 : 3;
  const sequential = [];
  for (let r = 0; r < runs; r++) {
    sequential.push(
      await timed(() => {
        for (let i = 0; i < count; i++) spin(1);
      }),
    );
  }
  const baseline = median(sequential);
  emit({
    suite,
    case: 'cpu-1ms-tasks',
    impl: 'main-thread',
    value: baseline,
    unit: 'ms',
    better: 'lower',
    n: count,
  });
  const speedups = {};
  for (const [impl, make] of Object.entries(pools)) {
    const pool = make(2);
    await pool.ready();
    await Promise.all(Array.from({ length: 8 }, () => pool.call('spin', 1)));
    const samples = [];
    for (let r = 0; r < runs; r++) {
      samples.push(await timed(() => Promise.all(Array.from({ length: count }, () => pool.call('spin', 1)))));
    }
    const ms = median(samples);
    speedups[impl] = baseline / ms;
    emit({ suite, case: 'cpu-1ms-tasks', impl, value: ms, unit: 'ms', better: 'lower', n: count });
    emit({
      suite,
      case: 'cpu-1ms-speedup',
      impl,
      value: baseline / ms,
      unit: 'x',
      better: 'higher',
      n: count,
    });
    await pool.close();
  }
  return speedups;
}

export async function unevenFanOut({ quick, pools, suite }) {
  const short = quick ? 200 : 800;
  const long = quick ? 4 : 8;
  const runs = quick ? 1 : 3;
  // The long tasks sit at the front, so a pool that deals tasks out blindly queues short work behind them.
  const plan = [...Array.from({ length: long }, () => 50), ...Array.from({ length: short }, () => 1)];
  for (const [impl, make] of Object.entries(pools)) {
    const pool = make(2);
    await pool.ready();
    const samples = [];
    for (let r = 0; r < runs; r++)
      samples.push(await timed(() => Promise.all(plan.map((ms) => pool.call('spin', ms)))));
    emit({
      suite,
      case: 'uneven-fan-out-makespan',
      impl,
      value: median(samples),
      unit: 'ms',
      better: 'lower',
      n: plan.length,
    });
    await pool.close();
  }
}
