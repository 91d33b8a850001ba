import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const HOOKS = new URL('./fixtures/import-hooks.mjs', import.meta.url).href;

/** The modules that import node:worker_threads when a fresh process imports `specifier`. */
function workerThreadsImporters(specifier: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'spindle-entry-'));
  try {
    const log = join(dir, 'imports.log');
    writeFileSync(log, '');
    const register = `import { register } from 'node:module'; register(${JSON.stringify(HOOKS)});`;
    execFileSync(
      process.execPath,
      [
        '--import',
        `data:text/javascript,${encodeURIComponent(register)}`,
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(specifier)});`,
      ],
      { cwd: PACKAGE, env: { ...process.env, IMPORT_LOG: log }, timeout: 30_000 },
    );
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ownModule = (url: string) => url.startsWith(pathToFileURL(PACKAGE).href);

describe('entry points', () => {
  it('@spindle/executor loads no module that imports node:worker_threads', () => {
    expect(workerThreadsImporters('@spindle/executor')).toEqual([]);
  });

  it('@spindle/executor/pool does (so the check above can fail)', () => {
    expect(workerThreadsImporters('@spindle/executor/pool').filter(ownModule).length).toBeGreaterThan(0);
  });
});
