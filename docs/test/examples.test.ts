import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript module without declarations
import { listExamples, repoRoot } from '../scripts/site.mjs';

// Every example the site shows is a file; each must run to completion and say something.
describe('examples run', () => {
  for (const path of listExamples() as string[]) {
    it(path, () => {
      const file = join(repoRoot, path);
      const stdout = execFileSync(process.execPath, [file], {
        cwd: dirname(dirname(file)),
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(stdout.trim().length).toBeGreaterThan(0);
    });
  }
});
