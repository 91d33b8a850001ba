import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

/** Runs `program` as an ES module in a fresh process and says whether Node loaded node:worker_threads. */
function loadsWorkerThreads(program: string): boolean {
  const script = `${program}\nconsole.log(process.moduleLoadList.includes('NativeModule worker_threads'));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: PACKAGE,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '');
}

describe('the @spindle/fiber entry point', () => {
  it('runs fibers without loading node:worker_threads', () => {
    const program = `
      import { run, sleep } from '@spindle/fiber';
      await run(function* () { yield* sleep(1); });`;
    expect(loadsWorkerThreads(program)).toBe(false);
  });

  it('is told apart from a program that does load it (so the check above can fail)', () => {
    expect(loadsWorkerThreads(`import '@spindle/fiber'; await import('node:worker_threads');`)).toBe(true);
  });
});
