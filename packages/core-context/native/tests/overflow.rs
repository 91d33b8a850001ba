//! Overflowing a guarded coroutine stack ends the process with a clear message. The test
//! runs itself again as a child process that overflows, and inspects how the child died.

use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use spindle_core_context_native::test_aids::overflow_coroutine_stack;

const CHILD_GUARD_ENV: &str = "SPINDLE_OVERFLOW_CHILD_GUARD";
/// Set when the tests run under an emulator (scripts/aarch64-test.sh sets it to the qemu
/// command line): the child must run under it too.
const RUNNER_ENV: &str = "SPINDLE_TEST_RUNNER";
const TEST_NAME: &str = "overflowing_into_the_guard_aborts_with_a_message";

#[test]
fn overflowing_into_the_guard_aborts_with_a_message() {
    if let Ok(guard) = std::env::var(CHILD_GUARD_ENV) {
        overflow_coroutine_stack(guard.parse().unwrap());
    }
    for guard in [4096usize, 64 * 1024] {
        let output = child_command()
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
            .env(CHILD_GUARD_ENV, guard.to_string())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.signal(),
            Some(libc::SIGABRT),
            "guard {guard}: child ended with {stderr}"
        );
        assert!(
            stderr.contains("coroutine stack overflow: fault at 0x"),
            "guard {guard}: stderr was {stderr}"
        );
    }
}

/// This test binary, behind the emulator named by `SPINDLE_TEST_RUNNER` if any.
fn child_command() -> Command {
    let exe = std::env::current_exe().unwrap();
    let runner = std::env::var(RUNNER_ENV).unwrap_or_default();
    let mut words = runner.split_whitespace();
    match words.next() {
        Some(program) => {
            let mut command = Command::new(program);
            command.args(words).arg(exe);
            command
        }
        None => Command::new(exe),
    }
}
