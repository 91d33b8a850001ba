//! Telling memory checkers about coroutine stacks, so that valgrind and AddressSanitizer
//! follow the switches instead of reporting the coroutine's frames as wild accesses.
//!
//! * valgrind: each stack is registered with a client request (a no-op on real hardware)
//!   for as long as a coroutine runs on it.
//! * AddressSanitizer (when built with it, however RUSTFLAGS spell it: the `spindle_asan`
//!   cfg that build.rs sets): every switch is announced with
//!   `__sanitizer_start_switch_fiber` and confirmed with `__sanitizer_finish_switch_fiber`
//!   on the side it lands on. Without ASan these are empty and compile to nothing.

mod asan;
mod valgrind;

pub(crate) use asan::{finish_switch, start_switch, FakeStack, StackBounds};
pub(crate) use valgrind::RegisteredStack;
