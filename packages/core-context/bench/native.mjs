// Native benchmarks of core-context: round trip (resume + suspend) against the corosensei
// crate, and 1,000,000 coroutines alive at once (100,000 with --quick) with their RSS.
// They run in the Rust `native-bench` example (corosensei is a Rust crate, measured in
// the same process); this script builds and runs it and forwards its JSON lines.
//
//   node bench/native.mjs [--quick]
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchOptions, emit, printRatios } from '@spindle/bench-kit';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs the native benchmark binary and emits its rows (the suite interface of bench/run.mjs); returns them. */
export function run({ quick } = benchOptions()) {
  const args = [
    'run',
    '--quiet',
    '--release',
    '-p',
    'spindle-core-context-native',
    '--example',
    'native-bench',
  ];
  const result = spawnSync('cargo', quick ? [...args, '--', '--quick'] : args, {
    cwd: packageDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.error) throw new Error(`cannot run cargo for the native benchmarks: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`the native benchmarks failed with exit code ${result.status}`);
  const rows = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
  for (const row of rows) emit(row);
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  run();
  printRatios();
}
