//! Overflowing a guarded coroutine stack ends the process with a clear message. The test
//! runs itself again as a child process that overflows, and inspects how the child died.

use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use spindle_core_context_native::bench::overflow_coroutine_stack;

const CHILD_GUARD_ENV: &str = "SPINDLE_OVERFLOW_CHILD_GUARD";
const TEST_NAME: &str = "overflowing_into_the_guard_aborts_with_a_message";

#[test]
fn overflowing_into_the_guard_aborts_with_a_message() {
    if let Ok(guard) = std::env::var(CHILD_GUARD_ENV) {
        overflow_coroutine_stack(guard.parse().unwrap());
    }
    for guard in [4096usize, 64 * 1024] {
        let output = Command::new(std::env::current_exe().unwrap())
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
