// Every test of the repository: the TypeScript suites and type checks (of tests and
// benches too) through turbo, which builds first (native addon included), the packed
// packages as a user installs them, the Rust crates, and the aarch64 context switch
// under qemu.
import { execSync } from 'node:child_process';

function run(command) {
  console.error(`\n== ${command}`);
  execSync(command, { stdio: 'inherit', shell: '/bin/bash' });
}

run('node scripts/setup.mjs');
run('pnpm exec turbo run test typecheck --output-logs=new-only');
run('node --test test/packaging/packaging.test.mjs');
run('cargo test --release --workspace');
run('node scripts/native-memcheck.mjs');
run('bash scripts/aarch64-test.sh');
