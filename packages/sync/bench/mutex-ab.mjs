// A/B of the mutex-contention shape on a loaded machine, where wall time moves by ±50 %:
// CPU time (user + system) per acquire, median of 9 runs, 1,000 fibers (or async tasks) x 100
// lock / reschedule / unlock. Run it alternately against two builds and compare medians:
//   node --expose-gc bench/mutex-ab.mjs [fibers|async] [path/to/other/sync/dist/index.js]
// Prints one JSON line. Not part of `pnpm bench` (it measures one build, not the peers).
import { spawn } from '@spindle/fiber';

const [shape = 'fibers', dist = '../dist/index.js'] = process.argv.slice(2);
const { Mutex } = await import(new URL(dist, import.meta.url).href);
const TASKS = 1000;
const ROUNDS = 100;
const range = (n) => Array.from({ length: n }, (_, i) => i);
const mutex = new Mutex();
const fiberBody = function* () {
  for (let i = 0; i < ROUNDS; i++) {
    yield* mutex.lock();
    yield;
    mutex.unlock();
  }
};
const asyncBody = async () => {
  for (let i = 0; i < ROUNDS; i++) {
    await mutex.lock();
    await null;
    mutex.unlock();
  }
};
const once =
  shape === 'async'
    ? () => Promise.all(range(TASKS).map(asyncBody))
    : () => Promise.all(range(TASKS).map(() => spawn(fiberBody).join()));

await once(); // warm-up
const cpu = [];
for (let run = 0; run < 9; run++) {
  globalThis.gc?.();
  const start = process.cpuUsage();
  await once();
  const used = process.cpuUsage(start);
  cpu.push(((used.user + used.system) * 1000) / (TASKS * ROUNDS));
}
cpu.sort((a, b) => a - b);
console.log(JSON.stringify({ shape, dist, cpuNsPerAcquire: Math.round(cpu[4]) }));
