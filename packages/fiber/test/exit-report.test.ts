import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const program = fileURLToPath(new URL('./fixtures/deadlock.mjs', import.meta.url));

function runDeadlock(...args: string[]): { status: number | null; stderr: string } {
  const { status, stderr } = spawnSync(process.execPath, [program, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status, stderr };
}

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
});
