// One measurement of the hot paths in one built tree (run by ab-hot-paths.mjs).
import { pathToFileURL } from 'node:url';

const tree = process.argv[2];
const load = (p) => import(pathToFileURL(`${tree}/packages/${p}`).href);
const { nsPerOp } = await load('bench-kit/src/index.mjs');
const { pingPongImpls } = await load('fiber/bench/pingpong.mjs');
const { spawnJoinImpls } = await load('fiber/bench/spawn-join.mjs');
const { mutexImpls } = await load('sync/bench/mutex-contention.mjs');
const out = {};
for (const [impl, body] of pingPongImpls()) {
  if (impl === 'spindle' || impl === 'spindle-inline-delegate')
    out[`pingpong/${impl}`] = await nsPerOp(body, { n: 400_000, runs: 5, warmup: 2 });
}
for (const [impl, body] of spawnJoinImpls()) {
  if (impl === 'spindle' || impl === 'spindle-pool')
    out[`spawn-join/${impl}`] = await nsPerOp(body, { n: 50_000, runs: 5, warmup: 2 });
}
for (const [impl, make] of mutexImpls) {
  if (!impl.startsWith('spindle')) continue;
  const once = make(100, 200);
  out[`mutex/${impl}`] = await nsPerOp(() => once(), { n: 20_000, runs: 5, warmup: 2 });
}
console.log(JSON.stringify(out));
