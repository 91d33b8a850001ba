import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('where /proc is missing (simulated: every /proc read fails)', () => {
  it('no death is noticed: a wait behind a holder that exited times out, and the rwlock keeps no table', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', fixture('no-proc-preload.mjs'), fixture('no-proc-main.mjs')],
      { timeout: 60_000 },
    );
    expect(JSON.parse(stdout)).toEqual({ outcome: 'TimeoutError', tableUsed: false, readers: 0 });
  });
});
