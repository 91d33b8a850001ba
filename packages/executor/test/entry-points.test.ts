import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs `program` as an ES module in a fresh process and says whether Node loaded
 * node:worker_threads, however it was loaded (an import, or a createRequire'd require).
 */
function loadsWorkerThreads(program: string): boolean {
  const script = `${program}\nconsole.log(process.moduleLoadList.includes('NativeModule worker_threads'));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: PACKAGE,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '');
}

describe('entry points', () => {
  it('@spindle/executor runs its executors without loading node:worker_threads', () => {
    const program = `
      import { FunctionRunnable } from '@spindle/core-context';
      import { InlineExecutor, loopExecutor } from '@spindle/executor';
      new InlineExecutor().submit(new FunctionRunnable(() => {}));
      await new Promise((resolve) => loopExecutor.submit(new FunctionRunnable(resolve)));`;
    expect(loadsWorkerThreads(program)).toBe(false);
  });

  it('@spindle/executor/pool does (so the check above can fail)', () => {
    expect(loadsWorkerThreads(`await import('@spindle/executor/pool');`)).toBe(true);
  });
});
