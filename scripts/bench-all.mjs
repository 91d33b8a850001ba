// `pnpm bench`: runs every package's benchmarks at full size (or `--quick`), appends the
// JSON lines to bench-results.jsonl, and writes bench-report.md with ratio tables and bar
// charts.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ratioTables } from '@spindle/bench-kit';
import { listPackages, root, runBench } from './lib/workspace.mjs';

const args = process.argv.slice(2).filter((arg) => arg === '--quick');
const runAt = new Date().toISOString();
const rows = listPackages().flatMap((pkg) => runBench(pkg, args));

appendFileSync(
  join(root, 'bench-results.jsonl'),
  rows.map((row) => `${JSON.stringify({ ...row, runAt })}\n`).join(''),
);

const report = [
  `# Spindle benchmark report`,
  '',
  `Run at ${runAt}${args.length ? ' (quick)' : ''} on ${process.version}.`,
];
for (const table of ratioTables(rows)) {
  report.push('', `## ${table.suite} · ${table.case}`, '', `${table.caption}.`, '');
  report.push('| impl | value | spindle advantage | chart |', '| --- | ---: | ---: | --- |');
  const widest = Math.max(...table.rows.map((row) => Math.abs(row.value) || 0));
  for (const row of table.rows) {
    const advantage = row.spindleAdvantage === undefined ? '' : `${row.spindleAdvantage.toFixed(2)}x`;
    const bar = '█'.repeat(widest > 0 ? Math.max(1, Math.round((Math.abs(row.value) / widest) * 30)) : 0);
    report.push(`| ${row.impl} | ${row.value} | ${advantage} | ${bar} |`);
  }
}
writeFileSync(join(root, 'bench-report.md'), `${report.join('\n')}\n`);
console.error(`\n${rows.length} results appended to bench-results.jsonl; report in bench-report.md`);
