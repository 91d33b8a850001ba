//! The machine-context switch, one assembly routine per architecture.

#[cfg(target_arch = "aarch64")]
mod aarch64;
#[cfg(target_arch = "x86_64")]
mod x86_64;

#[cfg(target_arch = "aarch64")]
pub(crate) use aarch64::init_stack;
#[cfg(target_arch = "x86_64")]
pub(crate) use x86_64::init_stack;

/// What a new context starts in: `value` is what the first switch to it passed, `data`
/// what `init_stack` was given. It must never return.
pub(crate) type EntryFn = unsafe extern "C" fn(value: usize, data: *mut u8) -> !;

extern "C" {
    /// Saves the callee-saved state on the current stack, stores its stack pointer in
    /// `*save_sp`, and continues the context saved at `target_sp`, whose own
    /// `spindle_ctx_switch` call then returns `value`. Returns when some context switches
    /// back to the pointer stored in `*save_sp`.
    pub(crate) fn spindle_ctx_switch(
        save_sp: *mut *mut u8,
        target_sp: *mut u8,
        value: usize,
    ) -> usize;
    fn spindle_ctx_start();
}

#[cfg(all(test, target_arch = "x86_64"))]
mod x86_64_tests;
