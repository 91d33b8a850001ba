//! The floating-point control state (MXCSR rounding and masks, x87 rounding and
//! precision) across coroutine switches: kept per side by default, shared on request.
#![cfg(target_arch = "x86_64")]

use spindle_core_context_native::{Coroutine, CoroutineResult, FpControl, MmapStack};

/// MXCSR control bits (the low six bits are exception flags, which calls may change) and
/// the x87 control word.
type FpState = (u32, u16);

const DEFAULT: FpState = (0x1F80, 0x037F);
/// MXCSR round down; x87 double precision, round to nearest.
const RESUMER_A: FpState = (0x1F80 | 1 << 13, 0x027F);
/// MXCSR round up, denormals are zero; x87 extended precision, round up.
const RESUMER_B: FpState = (0x1F80 | 2 << 13 | 1 << 6, 0x0B7F);
/// MXCSR round toward zero, flush to zero; x87 single precision, round toward zero.
const BODY: FpState = (0x1F80 | 3 << 13 | 1 << 15, 0x0C7F);

fn fp_state() -> FpState {
    let (mut mxcsr, mut cw) = (0u32, 0u16);
    // SAFETY: stores the two control registers into the locals.
    unsafe {
        core::arch::asm!(
            "stmxcsr [{mxcsr}]",
            "fnstcw [{cw}]",
            mxcsr = in(reg) &mut mxcsr,
            cw = in(reg) &mut cw,
        );
    }
    (mxcsr & !0x3F, cw)
}

fn set_fp_state((mxcsr, cw): FpState) {
    // SAFETY: valid control values with every exception masked.
    unsafe {
        core::arch::asm!(
            "ldmxcsr [{mxcsr}]",
            "fldcw [{cw}]",
            mxcsr = in(reg) &mxcsr,
            cw = in(reg) &cw,
        );
    }
}

/// Puts the thread back to the default state when a test ends, even by a failed assert.
struct RestoreDefault;
impl Drop for RestoreDefault {
    fn drop(&mut self) {
        set_fp_state(DEFAULT);
    }
}

fn stack() -> MmapStack {
    MmapStack::new(64 * 1024).unwrap()
}

#[test]
fn each_side_keeps_its_own_fp_control_by_default() {
    let _restore = RestoreDefault;
    set_fp_state(RESUMER_A);
    let mut co = Coroutine::with_stack(stack(), |y, ()| {
        let inherited = fp_state();
        set_fp_state(BODY);
        let mut seen = Vec::new();
        for _ in 0..4 {
            y.suspend(());
            seen.push(fp_state());
        }
        (inherited, seen)
    });
    for round in 0..4 {
        let mine = if round % 2 == 0 { RESUMER_A } else { RESUMER_B };
        set_fp_state(mine);
        assert_eq!(co.resume(()), CoroutineResult::Yield(()));
        assert_eq!(fp_state(), mine, "the body's state leaked in round {round}");
    }
    set_fp_state(RESUMER_A);
    let CoroutineResult::Return((inherited, seen)) = co.resume(()) else {
        panic!("the body should have returned");
    };
    assert_eq!(fp_state(), RESUMER_A, "the body's state leaked at its end");
    assert_eq!(
        inherited, RESUMER_A,
        "a new body starts in its first resumer's state"
    );
    assert_eq!(
        seen,
        vec![BODY; 4],
        "the resumer's state leaked into the body"
    );
}

#[test]
fn a_shared_fp_control_is_seen_by_both_sides() {
    let _restore = RestoreDefault;
    let mut co = Coroutine::with_fp_control(stack(), FpControl::Shared, |y, ()| {
        set_fp_state(BODY);
        y.suspend(());
        fp_state()
    });
    set_fp_state(RESUMER_A);
    assert_eq!(co.resume(()), CoroutineResult::Yield(()));
    assert_eq!(fp_state(), BODY);
    set_fp_state(RESUMER_B);
    assert_eq!(co.resume(()), CoroutineResult::Return(RESUMER_B));
    assert_eq!(fp_state(), RESUMER_B);
}
