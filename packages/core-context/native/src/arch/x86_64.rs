//! x86_64 System V context switch, as inline assembly at each call site.
//!
//! `switch(save_sp, target_sp, value, fp)` pushes rbp, rbx, with `FpControl::Preserved`
//! an 8-byte slot for the floating-point control state, and the address of its own resume
//! label; it stores rsp in `*save_sp`, loads `target_sp`, pops the other side's resume
//! address and jumps to it (an indirect jump, not `ret`), with `value` in rdx.
//!
//! r12-r15 and every caller-saved register are declared clobbered instead of pushed: the
//! compiler then saves only the callee-saved registers that are live across the switch,
//! once per function (outside hot loops), and the caller's values survive exactly as
//! across a call. rbx and rbp cannot be declared clobbered (LLVM reserves them), so the
//! switch saves them itself.
//!
//! With `FpControl::Preserved` the slot holds MXCSR (low 4 bytes) and the x87 control word
//! (next 2) of the side that left, and the resumed side reloads its own: MXCSR always (the
//! load is cheap, only reading it is slow), the control word only when it differs from
//! the one live in the CPU (`fldcw` is slow). With `FpControl::Shared` there is no slot.
//!
//! Saved frame from the saved rsp: +0 resume address, +8 MXCSR, +12 x87 control word, +16
//! rbx, +24 rbp (16-byte aligned); with `Shared`, +0 resume address, +8 rbx, +16 rbp. A new
//! context's frame (`init_stack`) holds `spindle_ctx_start` at +0, an unused word, then the
//! entry function and its data; the first switch to it lands there in either mode.

use super::{EntryFn, FpControl};

/// The switch with the floating-point lines of the chosen mode: `$leave` runs on the
/// leaving side after rbp and rbx are pushed, `$arrive` on the resumed side before they
/// are popped (it must define label 3, where a switch lands).
macro_rules! switch_asm {
    ($save_sp:expr, $target_sp:expr, $value:expr, [$($leave:literal),*], [$($arrive:literal),+]) => {{
        let received: usize;
        core::arch::asm!(
            "push rbp",
            "push rbx",
            $($leave,)*
            "lea rax, [rip + 3f]",
            "push rax",
            "mov [rdi], rsp",
            "mov rsp, rsi",
            "pop rax",
            "jmp rax",
            $($arrive,)+
            "pop rbx",
            "pop rbp",
            in("rdi") $save_sp,
            in("rsi") $target_sp,
            inout("rdx") $value => received,
            out("r12") _,
            out("r13") _,
            out("r14") _,
            out("r15") _,
            clobber_abi("C"),
        );
        received
    }};
}

/// Saves the current context, stores its stack pointer in `*save_sp`, and continues the
/// context saved at `target_sp`, whose own `switch` then returns `value`. Returns when
/// some context switches back to the pointer stored in `*save_sp`. Both sides of a pair
/// of contexts must use the same `fp`.
///
/// # Safety
/// `target_sp` must be a context saved by `switch` or made by `init_stack`, whose stack
/// is still alive, and `save_sp` must stay writable until this context is resumed.
#[inline(always)]
pub(crate) unsafe fn switch(
    save_sp: *mut *mut u8,
    target_sp: *mut u8,
    value: usize,
    fp: FpControl,
) -> usize {
    match fp {
        FpControl::Preserved => switch_asm!(
            save_sp,
            target_sp,
            value,
            [
                "sub rsp, 8",
                "stmxcsr dword ptr [rsp]",
                "fnstcw word ptr [rsp + 4]",
                // The control word now live in the CPU, for the resumed side to compare.
                "movzx r9d, word ptr [rsp + 4]"
            ],
            [
                // Out of the hot path: our control word differs from the live one.
                "2:",
                "fldcw word ptr [rsp + 4]",
                "jmp 4f",
                "3:",
                "ldmxcsr dword ptr [rsp]",
                "cmp r9w, word ptr [rsp + 4]",
                "jne 2b",
                "4:",
                "add rsp, 8"
            ]
        ),
        FpControl::Shared => switch_asm!(save_sp, target_sp, value, [], ["3:"]),
    }
}

core::arch::global_asm!(
    // First code of a new coroutine, reached by a switch's jump with the first value in
    // rdx and rsp on the unused word of the initial frame (8 mod 16). It calls
    // `entry(value, data)` with rsp 16-byte aligned, in the floating-point control state
    // of the first resumer. rip is undefined in the CFI so unwinders stop here.
    ".text",
    ".globl spindle_ctx_start",
    ".type spindle_ctx_start, @function",
    ".p2align 4",
    "spindle_ctx_start:",
    ".cfi_startproc",
    ".cfi_undefined rip",
    "add rsp, 8",
    "mov rdi, rdx",
    "mov rsi, [rsp + 8]",
    "call [rsp]",
    "ud2",
    ".cfi_endproc",
    ".size spindle_ctx_start, . - spindle_ctx_start",
);

extern "C" {
    fn spindle_ctx_start();
}

/// Size of a new context's initial frame.
const FRAME_BYTES: usize = 32;

/// Writes an initial frame below `top` (16-byte aligned) that starts `entry(value, data)`
/// on the first switch to it, and returns the stack pointer to switch to.
pub(crate) unsafe fn init_stack(top: *mut u8, entry: EntryFn, data: *mut u8) -> *mut u8 {
    debug_assert_eq!(top as usize % 16, 0);
    let sp = top.sub(FRAME_BYTES);
    let words = sp.cast::<usize>();
    words.write(spindle_ctx_start as *const () as usize);
    words.add(1).write(0);
    words.add(2).write(entry as usize);
    words.add(3).write(data as usize);
    sp
}
