//! aarch64 context switch: the assembly lives in `aarch64.s`, shared with the qemu harness.

use super::EntryFn;

core::arch::global_asm!(include_str!("aarch64.s"));

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
    words
        .add(11)
        .write(super::spindle_ctx_start as *const () as usize); // x30 (lr)
    sp
}
