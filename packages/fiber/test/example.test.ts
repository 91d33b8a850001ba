import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('examples/basic.mjs', () => {
  it('runs against the built package and prints what the README shows', () => {
    const script = fileURLToPath(new URL('../examples/basic.mjs', import.meta.url));
    const output = execFileSync(process.execPath, [script], { encoding: 'utf8', timeout: 20_000 });
    expect(output.split('\n')).toEqual([
      'hello from b; child of b sees b-request',
      'hello from a; child of a sees a-request',
      'live: server suspended on sleep(1000 ms)',
      'live: connection suspended on sleep(1000 ms)',
      'connection: halted with its server',
      'server: closed cleanly',
      'server halted',
      expect.stringMatching(
        /^join after halt: Cancelled: Fiber #\d+ "server" was halted before it finished$/,
      ),
      '',
    ]);
  });
});
