//! Test aids, built with the `test-aids` feature only (never in the published addon):
//! things a test needs to make happen that no API call should do.

use std::hint::black_box;

use crate::{Coroutine, MmapStack};

/// Recurses on a 32 KiB coroutine stack above a `guard`-byte guard until it hits the
/// guard, which ends the process with the "coroutine stack overflow" message (SIGABRT).
pub fn overflow_coroutine_stack(guard: usize) -> ! {
    fn recurse(depth: u64) -> u64 {
        let pad = black_box([depth; 64]);
        if black_box(true) {
            recurse(depth + 1) + pad[3]
        } else {
            pad[0]
        }
    }
    let stack = MmapStack::with_guard(32 * 1024, guard).expect("cannot map a stack");
    let mut coroutine = Coroutine::<(), (), u64, _>::with_stack(stack, |_, ()| recurse(0));
    coroutine.resume(());
    unreachable!("the recursion cannot end")
}
