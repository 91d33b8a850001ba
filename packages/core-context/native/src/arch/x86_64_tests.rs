//! The switch preserves every callee-saved register of the System V ABI, and MXCSR and the
//! x87 control word with `FpControl::Preserved`: two raw contexts load distinct values into
//! all of them, switch back and forth, and check after every switch that their own values
//! came back (with `FpControl::Shared`, that the floating-point control state is the one
//! the other side left). The switch is inlined into a function that the marks are loaded
//! around, so the test also checks that the compiler saves what the switch clobbers.

use super::{init_stack, switch, FpControl};
use crate::checkers::RegisteredStack;
use crate::stack::{MmapStack, Stack};

type SwitchFn = unsafe extern "C" fn(*mut *mut u8, *mut u8, usize) -> usize;

#[inline(never)]
unsafe extern "C" fn switch_preserved(save: *mut *mut u8, target: *mut u8, value: usize) -> usize {
    switch(save, target, value, FpControl::Preserved)
}

#[inline(never)]
unsafe extern "C" fn switch_shared(save: *mut *mut u8, target: *mut u8, value: usize) -> usize {
    switch(save, target, value, FpControl::Shared)
}

/// rbx, rbp, r12, r13, r14, r15, MXCSR, x87 control word.
type Registers = [u64; 8];

/// Loads `marks` into the callee-saved registers, switches with `switch_fn`, and stores
/// what those registers hold once the switch returns into `seen`. Restores the default MXCSR and
/// control word before returning, so the caller's own code runs normally.
unsafe fn switch_with_marks(
    switch_fn: SwitchFn,
    save: *mut *mut u8,
    target: *mut u8,
    value: usize,
    marks: &Registers,
    seen: &mut Registers,
) -> usize {
    let result: usize;
    core::arch::asm!(
        "push rbx",
        "push rbp",
        "push r9",
        "sub rsp, 8",
        "mov rbx, [r8]",
        "mov rbp, [r8 + 8]",
        "mov r12, [r8 + 16]",
        "mov r13, [r8 + 24]",
        "mov r14, [r8 + 32]",
        "mov r15, [r8 + 40]",
        "ldmxcsr dword ptr [r8 + 48]",
        "fldcw word ptr [r8 + 56]",
        "call {switch_fn}",
        "mov rcx, [rsp + 8]",
        "mov [rcx], rbx",
        "mov [rcx + 8], rbp",
        "mov [rcx + 16], r12",
        "mov [rcx + 24], r13",
        "mov [rcx + 32], r14",
        "mov [rcx + 40], r15",
        "stmxcsr dword ptr [rcx + 48]",
        "fnstcw word ptr [rcx + 56]",
        "mov dword ptr [rsp], 0x1F80",
        "ldmxcsr dword ptr [rsp]",
        "mov word ptr [rsp + 4], 0x037F",
        "fldcw word ptr [rsp + 4]",
        "add rsp, 8",
        "pop r9",
        "pop rbp",
        "pop rbx",
        switch_fn = in(reg) switch_fn,
        in("rdi") save,
        in("rsi") target,
        in("rdx") value,
        in("r8") marks.as_ptr(),
        in("r9") seen.as_mut_ptr(),
        lateout("rax") result,
        out("r12") _,
        out("r13") _,
        out("r14") _,
        out("r15") _,
        clobber_abi("C"),
    );
    result
}

/// Register values for round `round` of side `side`: distinct per register, side and round,
/// with valid MXCSR (exceptions masked, rounding mode different on the two sides) and x87
/// control words (rounding and precision different on the two sides in half of the rounds,
/// equal in the other half, so the switch meets both cases).
fn marks(side: u64, round: u64) -> Registers {
    let base = (side << 56) ^ round.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let rounding = (round + side) % 4;
    let (x87_rounding, precision) = if round % 4 < 2 {
        (1, 2)
    } else {
        (
            (round + side) % 4,
            [0, 2, 3][((round / 4 + side) % 3) as usize],
        )
    };
    [
        base ^ 0x1111,
        base ^ 0x2222,
        base ^ 0x3333,
        base ^ 0x4444,
        base ^ 0x5555,
        base ^ 0x6666,
        0x1F80 | (rounding << 13),
        0x007F | (precision << 8) | (x87_rounding << 10),
    ]
}

/// What a side that switched with `own` marks should see once resumed, when the other
/// side last switched with `other` marks.
fn expected(own: &Registers, other: &Registers, fp: FpControl) -> Registers {
    let mut out = *own;
    if fp == FpControl::Shared {
        out[6..].copy_from_slice(&other[6..]);
    }
    out
}

fn low_bits(registers: &Registers) -> Registers {
    let mut out = *registers;
    out[6] &= 0xFFFF_FFFF;
    out[7] &= 0xFFFF;
    out
}

struct Sides {
    fp: FpControl,
    switch_fn: SwitchFn,
    main_sp: *mut u8,
    other_sp: *mut u8,
    other_failures: u64,
}

unsafe extern "C" fn other_side(mut value: usize, data: *mut u8) -> ! {
    let sides = data.cast::<Sides>();
    let mut round = 0u64;
    loop {
        let own = marks(2, round);
        let mut seen = [0; 8];
        value = switch_with_marks(
            (*sides).switch_fn,
            core::ptr::addr_of_mut!((*sides).other_sp),
            (*sides).main_sp,
            value + 1,
            &own,
            &mut seen,
        );
        // The main side's next round resumed us.
        if low_bits(&seen) != expected(&own, &marks(1, round + 1), (*sides).fp) {
            (*sides).other_failures += 1;
        }
        round += 1;
    }
}

#[test]
fn callee_saved_registers_and_fp_control_survive_switches() {
    registers_survive_switches(FpControl::Preserved, switch_preserved);
}

#[test]
fn callee_saved_registers_survive_switches_sharing_fp_control() {
    registers_survive_switches(FpControl::Shared, switch_shared);
}

fn registers_survive_switches(fp: FpControl, switch_fn: SwitchFn) {
    let stack = MmapStack::new(64 * 1024).unwrap();
    let _registered = RegisteredStack::new(stack.limit(), stack.top());
    let mut sides = Sides {
        fp,
        switch_fn,
        main_sp: core::ptr::null_mut(),
        other_sp: core::ptr::null_mut(),
        other_failures: 0,
    };
    let data = core::ptr::addr_of_mut!(sides).cast::<u8>();
    // SAFETY: the stack outlives the raw context, which is never resumed after the loop.
    unsafe {
        (*data.cast::<Sides>()).other_sp = init_stack(stack.top(), other_side, data);
        let mut checksum = 0usize;
        for round in 0..20_000u64 {
            let own = marks(1, round);
            let mut seen = [0; 8];
            let sides = data.cast::<Sides>();
            let got = switch_with_marks(
                switch_fn,
                core::ptr::addr_of_mut!((*sides).main_sp),
                (*sides).other_sp,
                round as usize,
                &own,
                &mut seen,
            );
            assert_eq!(
                low_bits(&seen),
                expected(&own, &marks(2, round), fp),
                "main side registers changed in round {round}"
            );
            checksum += got;
        }
        let n = 20_000usize;
        assert_eq!(checksum, n * (n + 1) / 2);
        assert_eq!(
            (*data.cast::<Sides>()).other_failures,
            0,
            "coroutine side registers changed"
        );
    }
}
