//! The machine-context switch, one per architecture: `switch(save_sp, target_sp, value,
//! fp)` saves the current context, stores its stack pointer in `*save_sp` and continues
//! the context saved at `target_sp`, whose own `switch` returns `value`; `init_stack`
//! makes a context that starts a function.

#[cfg(target_arch = "aarch64")]
mod aarch64;
#[cfg(target_arch = "x86_64")]
mod x86_64;

#[cfg(target_arch = "aarch64")]
pub(crate) use aarch64::{init_stack, switch};
#[cfg(target_arch = "x86_64")]
pub(crate) use x86_64::{init_stack, switch};

/// What a coroutine's switches do with the floating-point control state: on x86_64 the
/// control bits of MXCSR and the x87 control word, which the System V ABI makes
/// callee-saved. (The aarch64 switch leaves FPCR alone in both modes.)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FpControl {
    /// Each side keeps its own: a `resume` returns, and a `suspend` returns, with the
    /// state its caller had, whatever the other side set meanwhile. A new coroutine starts
    /// with the state of its first resumer. Reading MXCSR (`stmxcsr`) is what makes this
    /// mode cost about 6 ns more per round trip than `Shared` on the AMD EPYC measured.
    #[default]
    Preserved,
    /// Not switched: the body and its resumers share the thread's state, so a change made
    /// on one side is seen by the other. For bodies and resumers that leave the rounding
    /// mode, exception masks and precision alone (nearly all code).
    Shared,
}

/// What a new context starts in: `value` is what the first switch to it passed, `data`
/// what `init_stack` was given. It must never return.
pub(crate) type EntryFn = unsafe extern "C" fn(value: usize, data: *mut u8) -> !;

#[cfg(all(test, target_arch = "x86_64"))]
mod x86_64_tests;
