import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindingFileName } from '../src/native/binding.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
let scratch = '';
let tarball = '';

// Packs the built package (run after `pnpm build`) the way `pnpm publish` would.
beforeAll(() => {
  scratch = mkdtempSync(join(os.tmpdir(), 'spindle-pack-'));
  execFileSync('pnpm', ['pack', '--pack-destination', scratch], { cwd: packageDir, stdio: 'ignore' });
  const [name] = readdirSync(scratch).filter((file) => file.endsWith('.tgz'));
  tarball = join(scratch, name!);
}, 60_000);

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

describe('the published package', () => {
  it('contains the native addon next to package.json, where the loader looks', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n');
    expect(files).toContain(`package/${bindingFileName()}`);
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/native/binding.js');
  });

  it('loads the addon once unpacked, with nothing else around it', () => {
    const installed = join(scratch, 'installed');
    mkdirSync(installed);
    execFileSync('tar', ['xzf', tarball, '-C', installed]);
    const entry = join(installed, 'package', 'dist', 'index.js');
    const script = `import(${JSON.stringify(entry)}).then((m) => console.log(m.usableParallelism()))`;
    const printed = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(Number(printed.trim())).toBeGreaterThanOrEqual(1);
  });
});

describe('the entry points', () => {
  it('keep the benchmarks and the addon loader off the main export, on their subpaths', async () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.exports)).toEqual([
      '.',
      './native-bench',
      './native-addon',
      './package.json',
    ]);
    const load = (subpath: string) => import(join(packageDir, manifest.exports[subpath].import));
    const main = await load('.');
    for (const name of ['benchRoundTrip', 'benchManyCoroutines', 'loadBinding', 'bindingFileName']) {
      expect(main, name).not.toHaveProperty(name);
    }
    expect(main.pinThread).toBeTypeOf('function');
    expect(main.usableParallelism).toBeTypeOf('function');
    const bench = await load('./native-bench');
    expect([bench.benchRoundTrip, bench.benchManyCoroutines].map((f) => typeof f)).toEqual([
      'function',
      'function',
    ]);
    const addon = await load('./native-addon');
    expect(addon.loadBinding().usableParallelism()).toBe(main.usableParallelism());
  });
});

describe('the built types', () => {
  it('show CancelToken as not constructible and keep the timer heap internal', async () => {
    const types = readFileSync(join(packageDir, 'dist', 'contracts', 'cancel.d.ts'), 'utf8');
    const tokenClass = types.slice(types.indexOf('class CancelToken'), types.indexOf('class CancelSource'));
    expect(tokenClass).toContain('private constructor();');
    const main = await import(join(packageDir, 'dist', 'index.js'));
    expect(main).not.toHaveProperty('TimerHeap');
    expect(readFileSync(join(packageDir, 'dist', 'index.d.ts'), 'utf8')).not.toMatch(/TimerHeap|TimerSlots/);
  });
});
