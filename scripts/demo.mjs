// The main job: run every package's examples, then a quick pass of every benchmark, and
// print the results as tables of ratios against the peers measured in the same run.
import { execFileSync } from 'node:child_process';
import { relative } from 'node:path';
import { ratioTables } from '@spindle/bench-kit';
import { examplesOf, listPackages, root, runBench } from './lib/workspace.mjs';

const packages = listPackages();

for (const pkg of packages) {
  for (const file of examplesOf(pkg)) {
    console.log(`\n━━ example ${relative(root, file)}`);
    execFileSync(process.execPath, [file], { stdio: 'inherit', cwd: pkg.dir });
  }
}

console.log('\n━━ benchmarks (quick pass; `npm run bench` for the full size)');
const rows = packages.flatMap((pkg) => runBench(pkg, ['--quick'], { quiet: true }));
for (const table of ratioTables(rows)) {
  console.log(`\n${table.suite} · ${table.case}  (${table.caption})`);
  for (const row of table.rows) {
    const verdict = row.spindleAdvantage === undefined ? '' : `   ${describeAdvantage(row.spindleAdvantage)}`;
    console.log(`  ${row.impl.padEnd(30)} ${formatValue(row.value).padStart(14)}${verdict}`);
  }
}

function describeAdvantage(ratio) {
  return ratio >= 1
    ? `spindle is ${ratio.toFixed(2)}x better`
    : `spindle is ${(1 / ratio).toFixed(2)}x worse`;
}

function formatValue(value) {
  if (typeof value !== 'number') return String(value);
  return Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(4);
}
