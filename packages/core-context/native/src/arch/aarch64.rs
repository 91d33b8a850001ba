//! aarch64 context switch: the assembly lives in `aarch64.s`, shared with the qemu harness.

use super::{EntryFn, FpControl};

core::arch::global_asm!(include_str!("aarch64.s"));

extern "C" {
    fn spindle_ctx_switch(save_sp: *mut *mut u8, target_sp: *mut u8, value: usize) -> usize;
    fn spindle_ctx_start();
}

/// Saves the current context's state, stores its stack pointer in `*save_sp`, and
/// continues the context saved at `target_sp`, whose own `switch` then returns `value`.
/// Returns when some context switches back to the pointer stored in `*save_sp`. FPCR is
/// not switched, so `fp` changes nothing here.
///
/// # Safety
/// `target_sp` must be a context saved by `switch` or made by `init_stack`, whose stack
/// is still alive, and `save_sp` must stay writable until this context is resumed.
#[inline(always)]
pub(crate) unsafe fn switch(
    save_sp: *mut *mut u8,
    target_sp: *mut u8,
    value: usize,
    _fp: FpControl,
) -> usize {
    spindle_ctx_switch(save_sp, target_sp, value)
}

/// Size of the frame `spindle_ctx_switch` pushes (see aarch64.s).
const FRAME_BYTES: usize = 160;

/// Writes an initial frame below `top` (16-byte aligned) that starts `entry(value, data)`
/// on the first switch to it, and returns the stack pointer to switch to.
pub(crate) unsafe fn init_stack(top: *mut u8, entry: EntryFn, data: *mut u8) -> *mut u8 {
    debug_assert_eq!(top as usize % 16, 0);
    let sp = top.sub(FRAME_BYTES);
    core::ptr::write_bytes(sp, 0, FRAME_BYTES);
    let words = sp.cast::<usize>();
    words.add(0).write(data as usize); // x19
    words.add(1).write(entry as usize); // x20
    words.add(10).write(0); // x29: ends frame-pointer chains
    words.add(11).write(spindle_ctx_start as *const () as usize); // x30 (lr)
    sp
}
