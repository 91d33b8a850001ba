// Runs the native crate's test suite under valgrind (memcheck, with definite leaks counted
// as errors) and under AddressSanitizer (default checks, leaks included), and fails on
// any report and on the warnings the tools print when they lose track of a stack switch.
// Coroutine stacks are registered with valgrind and announced to ASan
// (native/src/checkers/), so a report is a real bug. Each test binary gets a time limit,
// so the run is bounded (a few minutes on a loaded 2-core machine).
//
//   node scripts/native-memcheck.mjs
//
// valgrind comes from apt-get when missing; ASan needs no extra toolchain: the stable
// compiler builds it with RUSTC_BOOTSTRAP=1 (into target/asan, apart from the normal
// build).
import { execFileSync, spawnSync } from 'node:child_process';

const crate = 'spindle-core-context-native';
const hostTarget = 'x86_64-unknown-linux-gnu';

// Skipped under valgrind, with the reason:
const valgrindSkips = [
  // valgrind looks registered stacks up one by one: 100,000 of them take minutes.
  'hundred_thousand_coroutines_alive_at_once',
  // valgrind does not emulate the x87 precision control nor MXCSR's flush-to-zero bit, so
  // the floating-point control state cannot survive a switch under it.
  'each_side_keeps_its_own_fp_control_by_default',
  'a_shared_fp_control_is_seen_by_both_sides',
  'callee_saved_registers_and_fp_control_survive_switches',
  'callee_saved_registers_survive_switches_sharing_fp_control',
];

function log(line) {
  console.error(`native-memcheck: ${line}`);
}

/** Builds the test binaries with `cargo test --no-run` and returns their paths. */
function buildTests(cargoArgs, env = {}) {
  const output = execFileSync(
    'cargo',
    ['test', '--release', '-p', crate, '--no-run', '--message-format=json', ...cargoArgs],
    { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .filter((message) => message.reason === 'compiler-artifact' && message.profile.test && message.executable)
    .map((message) => message.executable);
}

// What the tools print when they lose track of a stack switch: not errors by their exit
// code, but "false positive error reports may follow", so they fail the run too.
const lostStackWarnings = /WARNING: ASan is ignoring|Warning: client switching stacks/;

// The longest one test binary may take under a tool; the slowest (coroutines under
// valgrind) needs about a minute alone.
const timeoutMs = 10 * 60 * 1000;

/** Runs one test binary (behind `runner`), skipping `skips`; throws when it fails, runs out of time or a tool warns. */
function runTests(runner, binary, skips = []) {
  const [program, ...args] = [
    ...runner,
    binary,
    '--test-threads=1',
    ...skips.flatMap((name) => ['--skip', name]),
  ];
  const result = spawnSync(program, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'pipe'],
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stderr.write(result.stderr ?? '');
  const command = [...runner, binary].join(' ');
  if (result.error?.code === 'ETIMEDOUT') throw new Error(`${command} took more than ${timeoutMs / 1000} s`);
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} failed (${result.signal ?? `exit ${result.status}`})`);
  if (lostStackWarnings.test(result.stderr))
    throw new Error(`${command}: the tool lost track of a stack switch`);
}

function ensureValgrind() {
  if (spawnSync('valgrind', ['--version']).status === 0) return;
  log('installing valgrind with apt-get');
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo'];
  const aptGet = (...args) =>
    execFileSync(asRoot.length ? 'sudo' : 'apt-get', asRoot.length ? ['apt-get', ...args] : args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  aptGet('update', '-qq');
  aptGet('install', '-y', '-qq', 'valgrind');
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  log(`skipped: valgrind and ASan runs are set up for linux-x64, not ${process.platform}-${process.arch}`);
  process.exit(0);
}

ensureValgrind();
log('valgrind (memcheck, definite leaks are errors)');
// Not `-q`: valgrind prints "client switching stacks?" at its default verbosity only.
const valgrind = ['valgrind', '--leak-check=full', '--errors-for-leak-kinds=definite', '--error-exitcode=99'];
for (const binary of buildTests([])) {
  runTests(valgrind, binary, valgrindSkips);
}

log('AddressSanitizer (default ASAN_OPTIONS, leak checks included)');
const asanEnv = {
  RUSTC_BOOTSTRAP: '1',
  // Spelled with a space, as often written: build.rs must detect ASan either way, or
  // ASan warns that it is ignoring __asan_handle_no_return and this run fails.
  RUSTFLAGS: '-Z sanitizer=address',
  CARGO_TARGET_DIR: 'target/asan',
};
for (const binary of buildTests(['--target', hostTarget], asanEnv)) {
  runTests([], binary);
}
log('clean');
