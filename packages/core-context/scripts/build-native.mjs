// Builds the native addon (the Rust crate in ../native, with its `node` feature) and
// copies it next to package.json as spindle-core-context.<platform>-<arch>.node, where
// src/native/binding.ts looks for it. It uses the `addon` profile of the root Cargo.toml:
// the release build, stripped of its symbol table. Cargo is incremental, so a rebuild
// with nothing changed costs a second.
//
// `node scripts/build-native.mjs --test-aids` builds the addon with its test aids instead
// (the `test-aids` feature, `test-aids` profile) and copies it to
// <target>/test-aids/spindle-core-context-test-aids.node, outside the package: only
// test/native.test.ts loads it, and it is never published.
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const crate = 'spindle-core-context-native';
const library = {
  linux: `lib${crate.replaceAll('-', '_')}.so`,
  darwin: `lib${crate.replaceAll('-', '_')}.dylib`,
  win32: `${crate.replaceAll('-', '_')}.dll`,
}[process.platform];
if (library === undefined) {
  console.error(`build-native: no native build for platform ${process.platform}`);
  process.exit(1);
}

const testAids = process.argv.includes('--test-aids');
const profile = testAids ? 'test-aids' : 'addon';
const features = testAids ? 'node,test-aids' : 'node';
const cargo = spawnSync('cargo', ['build', '--profile', profile, '-p', crate, '--features', features], {
  cwd: packageDir,
  stdio: 'inherit',
});
if (cargo.error) {
  console.error(
    `build-native: cannot run cargo (${cargo.error.message}); install Rust from https://rustup.rs`,
  );
  process.exit(1);
}
if (cargo.status !== 0) process.exit(cargo.status ?? 1);

const targetDir = resolve(packageDir, process.env.CARGO_TARGET_DIR ?? join('..', '..', 'target'));
const destination = testAids
  ? join(targetDir, profile, 'spindle-core-context-test-aids.node')
  : join(packageDir, `spindle-core-context.${process.platform}-${process.arch}.node`);
copyFileSync(join(targetDir, profile, library), destination);
console.log(`build-native: wrote ${destination}`);
