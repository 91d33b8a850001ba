// Case 1: tiny tasks (x + 1) on 2 workers at a fixed number in flight, or all at once.
import { performance } from 'node:perf_hooks';
import { emit, median, percentile } from '@spindle/bench-kit';

/** Runs `count` calls keeping `inFlight` outstanding; returns tasks/s and per-task latencies (µs). */
async function drive(pool, count, inFlight) {
  const latencies = new Float64Array(count);
  let sent = 0;
  let done = 0;
  const start = performance.now();
  await new Promise((resolve, reject) => {
    const launch = () => {
      const i = sent++;
      const t0 = performance.now();
      pool.call('addOne', i).then((value) => {
        if (value !== i + 1) reject(new Error(`wrong result ${value} for ${i}`));
        latencies[i] = (performance.now() - t0) * 1000;
        if (++done === count) resolve();
        else if (sent < count) launch();
      }, reject);
    };
    for (let i = 0; i < Math.min(inFlight, count); i++) launch();
  });
  const seconds = (performance.now() - start) / 1000;
  return { rate: count / seconds, latencies: Array.from(latencies) };
}

export async function tinyTasks({ quick, pools, suite }) {
  const shapes = [
    { name: 'tiny-tasks-1-in-flight', inFlight: 1, count: quick ? 2_000 : 200_000 },
    { name: 'tiny-tasks-64-in-flight', inFlight: 64, count: quick ? 20_000 : 200_000 },
    { name: 'tiny-tasks-1024-in-flight', inFlight: 1024, count: quick ? 20_000 : 200_000 },
    { name: 'tiny-tasks-burst', inFlight: Number.POSITIVE_INFINITY, count: quick ? 20_000 : 200_000 },
  ];
  const runs = quick ? 1 : 3;
  for (const [impl, make] of Object.entries(pools)) {
    const pool = make(2);
    await pool.ready();
    for (const shape of shapes) {
      await drive(pool, Math.min(shape.count, 2_000), shape.inFlight); // warm-up
      const samples = [];
      for (let r = 0; r < runs; r++) samples.push(await drive(pool, shape.count, shape.inFlight));
      // Latencies come from the run whose rate is the median, not the middle run in time.
      const byRate = samples.slice().sort((a, b) => a.rate - b.rate);
      const middle = byRate[byRate.length >> 1];
      const n = shape.count;
      emit({
        suite,
        case: shape.name,
        impl,
        value: median(samples.map((s) => s.rate)),
        unit: 'tasks/s',
        better: 'higher',
        n,
      });
      emit({
        suite,
        case: `${shape.name}-p50`,
        impl,
        value: percentile(middle.latencies, 50),
        unit: 'us',
        better: 'lower',
        n,
      });
      emit({
        suite,
        case: `${shape.name}-p99`,
        impl,
        value: percentile(middle.latencies, 99),
        unit: 'us',
        better: 'lower',
        n,
      });
    }
    await pool.close();
  }
}
