import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('examples/basic.mjs', () => {
  it('runs against the built package and prints what the README shows', () => {
    const script = fileURLToPath(new URL('../examples/basic.mjs', import.meta.url));
    const output = execFileSync(process.execPath, [script], { encoding: 'utf8', timeout: 20_000 });
    expect(output.split('\n')).toEqual([
      'sample 4 -> average 4',
      'sample 8 -> average 6',
      'sample 15 -> average 9',
      'sample 16 -> average 10.75',
      'sample 23 -> average 13.2',
      'sample 42 -> average 18',
      'averaged 6 samples (status done)',
      'jobs in order: parse -> plan -> run',
      'event: config loaded',
      'a wait nobody ends: TimeoutError: The wait timed out after 20 ms',
      'select: case 0 won with pong; sleeps left: 0',
      'select: case 1 won (the sleep)',
      'select with a default and nothing ready: index -1',
      'child cancelled: true, because: shutting down',
      'shared counter after 50000 increments on each of 2 threads: 100000',
      '',
    ]);
  });
});
