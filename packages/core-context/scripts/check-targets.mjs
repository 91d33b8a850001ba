// Type-checks the addon (`--features node`) for the systems it is not built on here, so
// code gated to Linux x86_64/aarch64 cannot leak into the pinning and topology build that
// macOS and Windows get. Needs the targets' standard libraries:
//   rustup target add x86_64-apple-darwin x86_64-pc-windows-msvc aarch64-unknown-linux-gnu
// (windows-msvc rather than windows-gnu: napi-build links a gnu addon against a
// libnode.dll, which a check has no use for.)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const targets = ['x86_64-apple-darwin', 'x86_64-pc-windows-msvc', 'aarch64-unknown-linux-gnu'];

const installed = spawnSync('rustup', ['target', 'list', '--installed'], { encoding: 'utf8' });
if (installed.error || installed.status !== 0) {
  console.error('check-targets: cannot run rustup; install Rust from https://rustup.rs');
  process.exit(1);
}
const missing = targets.filter((target) => !installed.stdout.split('\n').includes(target));
if (missing.length > 0) {
  console.error(`check-targets: missing targets; run: rustup target add ${missing.join(' ')}`);
  process.exit(1);
}

for (const target of targets) {
  const args = ['check', '--target', target, '-p', 'spindle-core-context-native', '--features', 'node'];
  const cargo = spawnSync('cargo', args, { cwd: packageDir, stdio: 'inherit' });
  if (cargo.status !== 0) {
    console.error(`check-targets: ${target} does not compile`);
    process.exit(cargo.status ?? 1);
  }
  console.log(`check-targets: ${target} ok`);
}
