// Machine-context switch for aarch64 (AAPCS64). Shared, unchanged, by the Rust crate
// (global_asm!) and by scripts/aarch64-test.sh (assembled with aarch64-linux-gnu-gcc).
//
// uintptr_t spindle_ctx_switch(void **save_sp, void *target_sp, uintptr_t value)
//   Pushes the callee-saved state (x19-x29, lr, d8-d15) on the current stack, stores sp
//   in *save_sp, loads the state saved at target_sp and jumps to its lr with `value`
//   in x0, so the other side's spindle_ctx_switch call returns `value`.
//
// Saved frame, 160 bytes from the saved sp (16-byte aligned):
//   +0 x19 x20  +16 x21 x22  +32 x23 x24  +48 x25 x26  +64 x27 x28  +80 x29 x30(lr)
//   +96 d8 d9  +112 d10 d11  +128 d12 d13  +144 d14 d15
    .text
    .globl spindle_ctx_switch
    .type spindle_ctx_switch, %function
    .p2align 4
spindle_ctx_switch:
    sub sp, sp, #160
    stp x19, x20, [sp, #0]
    stp x21, x22, [sp, #16]
    stp x23, x24, [sp, #32]
    stp x25, x26, [sp, #48]
    stp x27, x28, [sp, #64]
    stp x29, x30, [sp, #80]
    stp d8, d9, [sp, #96]
    stp d10, d11, [sp, #112]
    stp d12, d13, [sp, #128]
    stp d14, d15, [sp, #144]
    mov x9, sp
    str x9, [x0]
    mov sp, x1
    ldp x19, x20, [sp, #0]
    ldp x21, x22, [sp, #16]
    ldp x23, x24, [sp, #32]
    ldp x25, x26, [sp, #48]
    ldp x27, x28, [sp, #64]
    ldp x29, x30, [sp, #80]
    ldp d8, d9, [sp, #96]
    ldp d10, d11, [sp, #112]
    ldp d12, d13, [sp, #128]
    ldp d14, d15, [sp, #144]
    add sp, sp, #160
    mov x0, x2
    // An indirect jump, not `ret`: the return-address predictor belongs to the other stack.
    br x30
    .size spindle_ctx_switch, . - spindle_ctx_switch

// First code a new coroutine runs, reached through the lr of its initial frame with the
// first resume's value in x0. The frame holds the entry function in x20 and its data in
// x19; the entry never returns. lr is undefined in the CFI so unwinders stop here.
    .globl spindle_ctx_start
    .type spindle_ctx_start, %function
    .p2align 4
spindle_ctx_start:
    .cfi_startproc
    .cfi_undefined x30
    mov x1, x19
    blr x20
    brk #0x1
    .cfi_endproc
    .size spindle_ctx_start, . - spindle_ctx_start
