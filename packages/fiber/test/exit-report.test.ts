import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

function runFixture(
  name: string,
  ...args: string[]
): { status: number | null; stdout: string; stderr: string } {
  const program = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  const { status, stdout, stderr } = spawnSync(process.execPath, [program, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status, stdout, stderr };
}

const runDeadlock = (...args: string[]) => runFixture('deadlock.mjs', ...args);

describe('the stuck-fiber report at exit', () => {
  it('is printed to stderr by default when a deadlocked program is about to exit', () => {
    const { status, stderr } = runDeadlock();
    expect(status).toBe(13); // Node's code for a top-level await that never settled
    expect(stderr).toContain('2 fibers can never be woken:');
    expect(stderr).toMatch(/#\d+ "left" suspended on an event nobody sets/);
    expect(stderr).toMatch(/#\d+ "right" suspended on fiber #\d+ "left"/);
    expect(stderr).toContain('reportStuckFibersAtExit(null)');
  });

  it('is not printed after reportStuckFibersAtExit(null)', () => {
    const { status, stderr } = runDeadlock('opt-out');
    expect(status).toBe(13);
    expect(stderr).not.toContain('can never be woken');
  });

  it('does not name a fiber that a beforeExit listener wakes (it waited on a promise)', () => {
    const { status, stdout, stderr } = runFixture('exit-wakes.mjs', 'promise');
    expect(stderr).not.toContain('can never be woken');
    expect(stdout).toContain('finished: resolved at exit');
    expect(status).toBe(0);
  });

  it('does not name a fiber that ran between two looks, though it waits on the same waitable again', () => {
    const { status, stdout, stderr } = runFixture('exit-wakes.mjs', 'same-wait');
    expect(stderr).not.toContain('can never be woken');
    expect(stdout).toContain('finished: woken 3 times');
    expect(status).toBe(0);
  });

  it('keeps the exit code when the chosen writer throws, and writes the report to stderr', () => {
    const { status, stderr } = runDeadlock('throwing-writer');
    expect(status).toBe(13);
    expect(stderr).toContain('2 fibers can never be woken:');
    expect(stderr).toContain('the writer given to reportStuckFibersAtExit threw: the writer broke');
  });
});
