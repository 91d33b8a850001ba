// What the root scripts need to know about the workspace: its packages, their examples,
// and how to run a package's benchmark and collect its JSON lines.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname;

/** Packages in layer order (ARCHITECTURE.md), then any others alphabetically. */
const layerOrder = [
  'core-context',
  'executor',
  'fiber',
  'sync',
  'channel',
  'futures',
  'structured',
  'io-xev',
  'tracy',
];

export function listPackages() {
  const dir = join(root, 'packages');
  const found = readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'package.json')))
    .map((name) => ({
      dir: join(dir, name),
      folder: name,
      manifest: JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')),
    }))
    .filter((pkg) => !pkg.manifest.private);
  const rank = (pkg) => {
    const i = layerOrder.indexOf(pkg.folder);
    return i === -1 ? layerOrder.length : i;
  };
  return found.sort((a, b) => rank(a) - rank(b) || a.folder.localeCompare(b.folder));
}

/** The runnable example files of a package (`examples/*.mjs`). */
export function examplesOf(pkg) {
  const dir = join(pkg.dir, 'examples');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.mjs'))
    .sort()
    .map((file) => join(dir, file));
}

/**
 * Runs a package's `bench` script with `args` and returns the JSON rows it printed on
 * stdout. Its stderr (the human tables) goes through, unless `quiet` is set: then it is
 * kept and shown only when the suite fails, for callers that print their own summary.
 */
export function runBench(pkg, args, { quiet = false } = {}) {
  if (!pkg.manifest.scripts?.bench) return [];
  const result = spawnSync('pnpm', ['run', '--silent', 'bench', ...args], {
    cwd: pkg.dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', quiet ? 'pipe' : 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const rows = [];
  for (const line of result.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      rows.push(JSON.parse(line));
    } catch {
      // not a result line: a suite printed something else on stdout
    }
  }
  if (result.status !== 0) {
    if (quiet) process.stderr.write(result.stderr);
    console.error(`bench of ${pkg.manifest.name} exited with ${result.status}`);
  }
  return rows;
}
