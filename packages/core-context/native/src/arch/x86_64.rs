//! x86_64 System V context switch.
//!
//! `spindle_ctx_switch(save_sp, target_sp, value) -> value'`: the caller's return address
//! is already on its stack; the switch pushes rbp, rbx, r12-r15 and one 8-byte slot with
//! MXCSR (low 4 bytes) and the x87 control word (next 2), stores rsp in `*save_sp`, loads
//! the other side's frame from `target_sp`, pops its return address and jumps to it with
//! `value` in rax. Alignment: rsp is 8 mod 16 after the call, 7 pushes make the saved rsp
//! 16-byte aligned, and after the pops and the return-address pop the resumed side sees
//! rsp exactly as it was before its own call.
//!
//! Saved frame from the saved rsp: +0 mxcsr/fpcw, +8 r15, +16 r14, +24 r13, +32 r12,
//! +40 rbx, +48 rbp, +56 return address.

use super::EntryFn;

core::arch::global_asm!(
    ".text",
    ".globl spindle_ctx_switch",
    ".type spindle_ctx_switch, @function",
    ".p2align 4",
    "spindle_ctx_switch:",
    "push rbp",
    "push rbx",
    "push r12",
    "push r13",
    "push r14",
    "push r15",
    "sub rsp, 8",
    "stmxcsr dword ptr [rsp]",
    "fnstcw word ptr [rsp + 4]",
    "mov [rdi], rsp",
    "mov rsp, rsi",
    "ldmxcsr dword ptr [rsp]",
    "fldcw word ptr [rsp + 4]",
    "add rsp, 8",
    "pop r15",
    "pop r14",
    "pop r13",
    "pop r12",
    "pop rbx",
    "pop rbp",
    "pop rcx",
    "mov rax, rdx",
    // An indirect jump, not `ret`: the return-stack predictor belongs to the other stack.
    "jmp rcx",
    ".size spindle_ctx_switch, . - spindle_ctx_switch",
    // First code of a new coroutine (reached by the jump above): the entry function is in
    // r12, its data in rbx, the first resume's value in rax. rsp is 16-byte aligned here,
    // as the call requires. rip is undefined in the CFI so unwinders stop here.
    ".globl spindle_ctx_start",
    ".type spindle_ctx_start, @function",
    ".p2align 4",
    "spindle_ctx_start:",
    ".cfi_startproc",
    ".cfi_undefined rip",
    "mov rdi, rax",
    "mov rsi, rbx",
    "call r12",
    "ud2",
    ".cfi_endproc",
    ".size spindle_ctx_start, . - spindle_ctx_start",
);

/// Size of the frame `spindle_ctx_switch` pops, return address included.
const FRAME_BYTES: usize = 64;
/// Power-on defaults: all floating-point exceptions masked, round to nearest.
const DEFAULT_MXCSR: u32 = 0x1F80;
const DEFAULT_FPCW: u16 = 0x037F;

/// Writes an initial frame below `top` (16-byte aligned) that starts `entry(value, data)`
/// on the first switch to it, and returns the stack pointer to switch to.
pub(crate) unsafe fn init_stack(top: *mut u8, entry: EntryFn, data: *mut u8) -> *mut u8 {
    debug_assert_eq!(top as usize % 16, 0);
    let sp = top.sub(FRAME_BYTES);
    core::ptr::write_bytes(sp, 0, FRAME_BYTES);
    sp.cast::<u32>().write(DEFAULT_MXCSR);
    sp.add(4).cast::<u16>().write(DEFAULT_FPCW);
    let words = sp.cast::<usize>();
    words.add(4).write(entry as usize); // r12
    words.add(5).write(data as usize); // rbx
    words.add(6).write(0); // rbp: ends frame-pointer chains
    words
        .add(7)
        .write(super::spindle_ctx_start as *const () as usize); // return address
    sp
}
