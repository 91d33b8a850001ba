// What a user of the published packages gets: tarballs packed once, installed together into
// one project outside the monorepo, then loaded with require(), compiled by a CommonJS
// TypeScript project, and read for their manifests, declarations, links and source maps.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { root } from '../../scripts/lib/workspace.mjs';
import { hiddenInternals } from './internals.mjs';
import { filesIn, packAndInstall, readJson } from './packed.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const canRequireEsm = process.features.require_module === true;
/** Node's flags for a run where require() of ES modules fails (an older Node.js fails anyway). */
const requireOfEsmOff = canRequireEsm ? ['--no-experimental-require-module'] : [];
const needsRequireOfEsm = { skip: !canRequireEsm && 'this Node.js cannot require() ES modules' };
let packed;
/** tsc's diagnostics for the project, grouped by file (relative to the project). */
let diagnostics;
/** Line of internals.ts → the `Class.member` its @ts-expect-error stands for. */
let internalsLines;

before(() => {
  packed = packAndInstall();
  copyFileSync(join(here, 'commonjs-consumer.ts'), join(packed.project, 'index.ts'));
  const internals = internalsSource(hiddenInternals);
  writeFileSync(join(packed.project, 'internals.ts'), internals.source);
  internalsLines = internals.lines;
  writeFileSync(
    join(packed.project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        target: 'es2022',
        strict: true,
        skipLibCheck: false,
        types: ['node'],
        outDir: 'out',
      },
      files: ['index.ts', 'internals.ts'],
    }),
  );
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], {
    cwd: packed.project,
    encoding: 'utf8',
  });
  diagnostics = groupDiagnostics(tsc.stdout);
});

after(() => packed?.remove());

describe('require() of the published packages', () => {
  it('gives the same module as import() on a Node.js that can require ES modules', needsRequireOfEsm, () => {
    const script = `
      (async () => {
        for (const name of ${JSON.stringify(entryPoints())}) {
          const required = require(name);
          const imported = await import(name);
          const names = Object.keys(imported);
          if (names.length === 0 || names.some((key) => required[key] !== imported[key])) {
            throw new Error(name + ': require() and import() disagree');
          }
        }
        console.log('same');
      })();`;
    const result = nodeIn(packed.project, ['-e', script]);
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, 'same\n');
  });

  it('says which Node.js to use, or import(), where require() of ES modules is off', () => {
    for (const name of entryPoints()) {
      const script = `try { require(${JSON.stringify(name)}) } catch (e) { console.log(e.code + ': ' + e.message) }`;
      const result = nodeIn(packed.project, [...requireOfEsmOff, '-e', script]);
      assert.match(result.stdout, new RegExp(`^ERR_REQUIRE_ESM: ${name} is an ES module`));
      assert.match(result.stdout, /Use Node\.js 20\.19\+ or 22\.12\+/);
      assert.ok(result.stdout.includes(`await import('${name}')`), result.stdout);
    }
  });
});

describe('what an import loads', () => {
  it('runs fibers and the in-thread executors without loading node:worker_threads', () => {
    const program = `
      import { FunctionRunnable } from '@spindle/core-context';
      import { InlineExecutor, loopExecutor } from '@spindle/executor';
      import { run, sleep } from '@spindle/fiber';
      new InlineExecutor().submit(new FunctionRunnable(() => {}));
      await new Promise((resolve) => loopExecutor.submit(new FunctionRunnable(resolve)));
      await run(function* () { yield* sleep(1); });`;
    assert.equal(loadsWorkerThreads(program), false);
  });

  it('loads it for @spindle/executor/pool (so the check above can fail)', () => {
    assert.equal(loadsWorkerThreads(`await import('@spindle/executor/pool');`), true);
  });
});

describe('a CommonJS TypeScript project (module nodenext, skipLibCheck off)', () => {
  it('type-checks against the packed declarations', () => {
    const { 'internals.ts': _, ...others } = diagnostics;
    assert.deepEqual(others, {});
  });

  it('compiles to require() calls that run', needsRequireOfEsm, () => {
    const compiled = readFileSync(join(packed.project, 'out/index.js'), 'utf8');
    assert.match(compiled, /require\("@spindle\/fiber"\)/);
    const result = nodeIn(packed.project, ['out/index.js']);
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, 'counted 3 and 2\n');
  });
});

describe('the published declarations', () => {
  it('keep no member tagged @internal', () => {
    for (const pkg of packed.packages) {
      const tagged = filesIn(pkg.contents).filter(
        (file) =>
          file.endsWith('.d.ts') && readFileSync(join(pkg.contents, file), 'utf8').includes('@internal'),
      );
      assert.deepEqual(tagged, [], `${pkg.name} declarations with @internal members`);
    }
  });

  it('hide the internals of key classes from a TypeScript user', () => {
    const visible = (diagnostics['internals.ts'] ?? []).map(({ line, message }) =>
      message.includes('TS2578') ? internalsLines[line] : `line ${line}: ${message}`,
    );
    assert.deepEqual(visible, []);
  });
});

describe('the published manifests', () => {
  it('name no private workspace package', () => {
    const privateNames = privateWorkspaceNames();
    for (const pkg of packed.packages) {
      const manifest = readFileSync(join(pkg.contents, 'package.json'), 'utf8');
      for (const name of privateNames) assert.ok(!manifest.includes(name), `${pkg.name} mentions ${name}`);
    }
  });

  it('give every entry point types, import, require and default, each to a shipped file', () => {
    for (const pkg of packed.packages) {
      const files = new Set(filesIn(pkg.contents));
      for (const [subpath, target] of Object.entries(readJson(join(pkg.contents, 'package.json')).exports)) {
        if (subpath === './package.json') continue;
        assert.deepEqual(
          Object.keys(target),
          ['types', 'import', 'require', 'default'],
          `${pkg.name} ${subpath}`,
        );
        for (const file of Object.values(target)) {
          assert.ok(
            files.has(posix.normalize(file)),
            `${pkg.name} ${subpath}: ${file} is not in the tarball`,
          );
        }
      }
    }
  });
});

describe('the tarballs', () => {
  it('hold the file behind every relative link of their Markdown files', () => {
    for (const pkg of packed.packages) {
      const files = new Set(filesIn(pkg.contents));
      for (const doc of [...files].filter((file) => file.endsWith('.md'))) {
        for (const link of relativeLinks(readFileSync(join(pkg.contents, doc), 'utf8'))) {
          const target = posix.normalize(posix.join(posix.dirname(doc), link));
          assert.ok(files.has(target), `${pkg.name} ${doc} links to ${link}, which is not in the tarball`);
        }
      }
    }
  });

  it('hold the source behind every source map, or the map embeds it', () => {
    for (const pkg of packed.packages) {
      const files = new Set(filesIn(pkg.contents));
      for (const map of [...files].filter((file) => file.endsWith('.map'))) {
        const { sources, sourcesContent = [], sourceRoot = '' } = readJson(join(pkg.contents, map));
        sources.forEach((source, i) => {
          const target = posix.normalize(posix.join(posix.dirname(map), sourceRoot, source));
          assert.ok(
            typeof sourcesContent[i] === 'string' || files.has(target),
            `${pkg.name} ${map} points at ${source}, which is not in the tarball`,
          );
        });
      }
    }
  });
});

/** Every specifier a user can import: each package and each subpath of its exports map. */
function entryPoints() {
  return packed.packages.flatMap((pkg) => {
    const manifest = readJson(join(pkg.contents, 'package.json'));
    return Object.keys(manifest.exports)
      .filter((subpath) => subpath !== './package.json')
      .map((subpath) => (subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`));
  });
}

/**
 * Runs `program` as an ES module in the project and says whether Node loaded
 * node:worker_threads, however it was loaded (an import, or a createRequire'd require).
 */
function loadsWorkerThreads(program) {
  const script = `${program}\nconsole.log(process.moduleLoadList.includes('NativeModule worker_threads'));`;
  const result = nodeIn(packed.project, ['--input-type=module', '-e', script]);
  assert.equal(result.stderr, '');
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

function nodeIn(cwd, args) {
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 60_000 });
}

/** A file with one `@ts-expect-error` access per hidden member, and which line stands for which. */
function internalsSource(hidden) {
  const source = ['export {};'];
  const lines = {};
  Object.entries(hidden).forEach(([name, classes], p) => {
    for (const [className, members] of Object.entries(classes)) {
      const instance = `${className.toLowerCase()}${p}`;
      source.push(`declare const ${instance}: (typeof import('${name}'))['${className}']['prototype'];`);
      for (const member of members) {
        lines[source.length + 1] = `${name} ${className}.${member} is visible`;
        source.push('// @ts-expect-error internal', `${instance}.${member};`);
      }
    }
  });
  return { source: `${source.join('\n')}\n`, lines };
}

/** tsc's `file(line,col): error TSnnnn: message` lines, grouped by file. */
function groupDiagnostics(output) {
  const grouped = {};
  for (const match of output.matchAll(/^(.+?)\((\d+),\d+\): (error .*)$/gm)) {
    (grouped[match[1]] ??= []).push({ line: Number(match[2]), message: match[3] });
  }
  if (Object.keys(grouped).length === 0 && output.trim() !== '') grouped.tsc = [{ line: 0, message: output }];
  return grouped;
}

/** Links that name a file of the same package: not a URL, not an anchor on the same page. */
function relativeLinks(markdown) {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1].split('#')[0])
    .filter((link) => link !== '' && !/^[a-z][a-z+.-]*:/i.test(link));
}

function privateWorkspaceNames() {
  const dir = join(root, 'packages');
  return readdirSync(dir)
    .map((folder) => join(dir, folder, 'package.json'))
    .filter((file) => existsSync(file))
    .map(readJson)
    .filter((manifest) => manifest.private)
    .map((manifest) => manifest.name);
}
