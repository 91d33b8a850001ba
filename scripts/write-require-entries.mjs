// Run by each package's build after tsc, in the package's folder: for every `exports` entry
// whose `require` condition names a .cjs file, writes that file as a CommonJS door to the
// entry's ES module build. On a Node.js that can require() ES modules (20.19+, 22.12+) it
// hands back the very module `import` loads, so both share one instance; on an older one it
// throws an error naming the Node.js versions to use, or `await import()`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));

for (const [subpath, conditions] of Object.entries(manifest.exports ?? {})) {
  if (typeof conditions !== 'object' || typeof conditions.require !== 'string') continue;
  if (!conditions.require.endsWith('.cjs') || typeof conditions.import !== 'string') {
    throw new Error(
      `${manifest.name} exports["${subpath}"]: "require" must name a .cjs file beside an "import"`,
    );
  }
  const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
  const target = `./${relative(dirname(conditions.require), conditions.import)}`;
  mkdirSync(dirname(conditions.require), { recursive: true });
  writeFileSync(conditions.require, requireEntry(specifier, target));
}

function requireEntry(specifier, target) {
  return `'use strict';
// ${specifier} is an ES module; this file lets require() load it (written at build time).
const specifier = ${JSON.stringify(specifier)};
try {
  module.exports = require(${JSON.stringify(target)});
} catch (error) {
  if (error?.code !== 'ERR_REQUIRE_ESM') throw error;
  const message =
    \`\${specifier} is an ES module, and this Node.js (\${process.version}) cannot require() ES modules. \` +
    'Use Node.js 20.19+ or 22.12+ (not run with --no-experimental-require-module), ' +
    \`or load it with \\\`await import('\${specifier}')\\\`.\`;
  throw Object.assign(new Error(message, { cause: error }), { code: 'ERR_REQUIRE_ESM' });
}
`;
}
