// Makes a fresh clone ready to build: pnpm on the PATH, the workspace's dependencies
// installed. The README's quick-start commands run this first, so they work on a
// machine that has only Node.js and Rust.
import { execSync } from 'node:child_process';

function has(command) {
  try {
    execSync(`command -v ${command}`, { stdio: 'ignore', shell: '/bin/bash' });
    return true;
  } catch {
    return false;
  }
}

function run(command) {
  console.error(`setup: ${command}`);
  execSync(command, { stdio: 'inherit', shell: '/bin/bash' });
}

if (!has('cargo')) {
  console.error(
    'setup: Rust is required to build the native addon: install it from https://rustup.rs and retry',
  );
  process.exit(1);
}
if (!has('pnpm')) run('npm install -g pnpm');
// Not --frozen-lockfile: pnpm 12 would refuse because it cannot pin its own version from
// the registry; the committed lockfile still decides every dependency's version.
run('pnpm install --no-frozen-lockfile --prefer-frozen-lockfile');
