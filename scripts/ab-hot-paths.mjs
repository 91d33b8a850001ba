// A/B of the hot paths (fiber ping-pong and spawn/join, mutex contention) between two built
// checkouts: node scripts/ab-hot-paths.mjs <old tree> <new tree> [rounds]. Each round runs one
// process per tree, alternating which goes first; prints the median ns per case and new/old.
import { execFileSync } from 'node:child_process';

const [oldTree, newTree, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 4);
const rows = { old: [], new: [] };
for (let i = 0; i < rounds; i++) {
  for (const [name, tree] of i % 2 === 0
    ? [
        ['old', oldTree],
        ['new', newTree],
      ]
    : [
        ['new', newTree],
        ['old', oldTree],
      ]) {
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', new URL('./ab-hot-paths-child.mjs', import.meta.url).pathname, tree],
      { cwd: `${tree}/packages/fiber`, encoding: 'utf8' },
    );
    rows[name].push(JSON.parse(out.trim().split('\n').pop()));
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};
for (const key of Object.keys(rows.old[0])) {
  const o = median(rows.old.map((r) => r[key]));
  const n = median(rows.new.map((r) => r[key]));
  console.log(
    JSON.stringify({ case: key, oldNs: +o.toFixed(1), newNs: +n.toFixed(1), ratio: +(n / o).toFixed(3) }),
  );
}
