//! Behaviour of native coroutines: values in and out, completion, panics, drops, many
//! switches, deep recursion, many coroutines at once.

use std::cell::Cell;
use std::io::ErrorKind;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;

use spindle_core_context_native::bench::many_coroutines;
use spindle_core_context_native::{
    Coroutine, CoroutineResult, CoroutineStatus, FpControl, Mapping, MmapStack, SliceStack,
    StackPool,
};

fn stack() -> MmapStack {
    MmapStack::new(64 * 1024).unwrap()
}

#[test]
fn passes_values_both_ways_and_returns() {
    let mut co = Coroutine::with_stack(stack(), |y, first: i32| {
        let second = y.suspend(first + 1);
        let third = y.suspend(second * 10);
        format!("done {third}")
    });
    assert_eq!(co.status(), CoroutineStatus::Created);
    assert_eq!(co.resume(1), CoroutineResult::Yield(2));
    assert_eq!(co.status(), CoroutineStatus::Suspended);
    assert_eq!(co.resume(5), CoroutineResult::Yield(50));
    assert_eq!(co.resume(7), CoroutineResult::Return("done 7".to_string()));
    assert_eq!(co.status(), CoroutineStatus::Done);
}

#[test]
fn resuming_a_finished_coroutine_panics() {
    let mut co = Coroutine::with_stack(stack(), |_, x: u8| x);
    assert_eq!(co.resume(3), CoroutineResult::<(), u8>::Return(3));
    let err = catch_unwind(AssertUnwindSafe(|| co.resume(4))).unwrap_err();
    assert!(err
        .downcast_ref::<&str>()
        .unwrap()
        .contains("already finished"));
}

#[test]
fn millions_of_switches_keep_a_checksum() {
    // Two coroutines, one of each floating-point mode, ping-pong through the main
    // context; every value is checked.
    let mut a = Coroutine::with_stack(stack(), |y, mut x: u64| loop {
        x = y.suspend(x.wrapping_mul(3).wrapping_add(1));
    });
    let mut b = Coroutine::with_fp_control(stack(), FpControl::Shared, |y, mut x: u64| loop {
        x = y.suspend(x ^ (x >> 7));
    });
    let (mut value, mut expected) = (1u64, 1u64);
    for _ in 0..1_000_000 {
        let CoroutineResult::Yield(v) = a.resume(value) else {
            unreachable!()
        };
        let CoroutineResult::Yield(w) = b.resume(v) else {
            unreachable!()
        };
        value = w;
        let step = expected.wrapping_mul(3).wrapping_add(1);
        expected = step ^ (step >> 7);
    }
    assert_eq!(value, expected);
}

#[test]
fn coroutines_resume_each_other_nested() {
    let mut outer = Coroutine::with_stack(stack(), |y, n: u32| {
        let mut inner = Coroutine::with_fp_control(stack(), FpControl::Shared, |yi, m: u32| {
            let k = yi.suspend(m + 1);
            k * 2
        });
        let CoroutineResult::Yield(a) = inner.resume(n) else {
            unreachable!()
        };
        let back = y.suspend(a);
        match inner.resume(back) {
            CoroutineResult::Return(b) => b,
            CoroutineResult::Yield(_) => unreachable!(),
        }
    });
    assert_eq!(outer.resume(10), CoroutineResult::Yield(11));
    assert_eq!(outer.resume(21), CoroutineResult::Return(42));
}

/// Sum of 1..=depth computed recursively; each frame keeps 64 bytes alive on the stack.
fn depth_sum(depth: u32) -> u64 {
    let pad = std::hint::black_box([depth as u8; 64]);
    if depth == 0 {
        return 0;
    }
    let frame_check = u64::from(pad[63] == depth as u8);
    depth as u64 - 1 + frame_check + depth_sum(depth - 1)
}

#[test]
fn deep_recursion_fits_a_large_stack() {
    let mut co = Coroutine::with_stack(MmapStack::new(8 << 20).unwrap(), |y, depth: u32| {
        let first = depth_sum(depth);
        let again = y.suspend(first);
        depth_sum(again)
    });
    let n = 20_000u32;
    let expected = n as u64 * (n as u64 + 1) / 2;
    assert_eq!(co.resume(n), CoroutineResult::Yield(expected));
    assert_eq!(co.resume(n), CoroutineResult::Return(expected));
}

#[test]
fn a_panic_reaches_the_resumer() {
    let mut co = Coroutine::with_stack(stack(), |y, x: i32| {
        y.suspend(x);
        panic!("boom inside the coroutine");
    });
    assert_eq!(co.resume(1), CoroutineResult::<i32, ()>::Yield(1));
    let err = catch_unwind(AssertUnwindSafe(|| co.resume(2))).unwrap_err();
    assert_eq!(
        err.downcast_ref::<&str>(),
        Some(&"boom inside the coroutine")
    );
    assert_eq!(co.status(), CoroutineStatus::Done);
}

struct SetOnDrop(Rc<Cell<u32>>);
impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn dropping_a_suspended_coroutine_unwinds_its_stack() {
    let drops = Rc::new(Cell::new(0));
    let after_suspend = Rc::new(Cell::new(false));
    {
        let (drops, after) = (drops.clone(), after_suspend.clone());
        let mut co = Coroutine::with_stack(stack(), move |y, _: ()| {
            let _guard = SetOnDrop(drops);
            y.suspend(1u8);
            after.set(true);
        });
        assert_eq!(co.resume(()), CoroutineResult::Yield(1));
    }
    assert_eq!(drops.get(), 1, "the destructor on the coroutine stack ran");
    assert!(
        !after_suspend.get(),
        "the body did not continue past its suspend"
    );
}

#[test]
fn a_suspended_coroutine_is_unwound_while_its_owner_panics() {
    let drops = Rc::new(Cell::new(0));
    let inner_drops = drops.clone();
    let outcome = catch_unwind(AssertUnwindSafe(move || {
        let mut co = Coroutine::with_stack(stack(), move |y, _: ()| {
            let _guard = SetOnDrop(inner_drops);
            y.suspend(1u8);
        });
        assert_eq!(co.resume(()), CoroutineResult::Yield(1));
        panic!("the owner fails while the coroutine is suspended");
    }));
    assert!(outcome.is_err());
    assert_eq!(
        drops.get(),
        1,
        "the coroutine's destructors ran during the owner's unwinding"
    );
}

#[test]
fn a_coroutine_that_catches_the_unwind_cannot_suspend_again() {
    let suspends_after_catch = Rc::new(Cell::new(0));
    {
        let seen = suspends_after_catch.clone();
        let mut co = Coroutine::with_stack(stack(), move |y, _: ()| {
            let _ = catch_unwind(AssertUnwindSafe(|| y.suspend(1u8)));
            let again = catch_unwind(AssertUnwindSafe(|| y.suspend(2u8)));
            seen.set(if again.is_err() { 1 } else { 2 });
        });
        assert_eq!(co.resume(()), CoroutineResult::Yield(1));
    }
    assert_eq!(suspends_after_catch.get(), 1);
}

#[test]
fn a_coroutine_sharing_fp_control_panics_and_unwinds_like_any_other() {
    let mut co = Coroutine::with_fp_control(stack(), FpControl::Shared, |y, x: i32| {
        y.suspend(x);
        panic!("boom in a shared-fp coroutine");
    });
    assert_eq!(co.resume(1), CoroutineResult::<i32, ()>::Yield(1));
    let err = catch_unwind(AssertUnwindSafe(|| co.resume(2))).unwrap_err();
    assert_eq!(
        err.downcast_ref::<&str>(),
        Some(&"boom in a shared-fp coroutine")
    );
    let drops = Rc::new(Cell::new(0));
    let guard = SetOnDrop(drops.clone());
    let mut co = Coroutine::with_fp_control(stack(), FpControl::Shared, move |y, ()| {
        let _guard = guard;
        y.suspend(1u8);
    });
    assert_eq!(co.resume(()), CoroutineResult::Yield(1));
    drop(co);
    assert_eq!(drops.get(), 1, "the suspended body's destructor ran");
}

#[test]
fn dropping_an_unstarted_coroutine_drops_its_body() {
    let drops = Rc::new(Cell::new(0));
    let guard = SetOnDrop(drops.clone());
    let co = Coroutine::<(), (), (), _>::with_stack(stack(), move |_, _: ()| {
        let _keep = &guard;
    });
    drop(co);
    assert_eq!(drops.get(), 1);
}

#[test]
fn hundred_thousand_coroutines_alive_at_once() {
    let report = many_coroutines(100_000, 4096).unwrap();
    assert_eq!(report.count, 100_000);
    assert!(report.rss_bytes > 0);
}

#[test]
fn oversized_runs_are_an_error_not_an_abort() {
    // 2^32 - 1 coroutines used to get as far as allocating their list, and abort there.
    for (count, stack_size, message) in [
        (
            u32::MAX as usize,
            2048,
            "count must be from 1 to 1000000; got 4294967295",
        ),
        (0, 2048, "count must be from 1 to 1000000; got 0"),
        (
            1_000_000,
            4096,
            "count * stackSize at most 2147483648; got 1000000 * 4096",
        ),
        (1000, usize::MAX, "count * stackSize at most 2147483648"),
        (1000, 100, "stackSize must be at least 2048"),
    ] {
        let error = many_coroutines(count, stack_size).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
        assert!(error.to_string().contains(message), "{error}");
    }
}

#[test]
fn caller_provided_memory_runs_coroutines() {
    let mut memory = Mapping::new(64 * 1024).unwrap();
    // SAFETY: 64 KiB is plenty for this body, which runs to completion below.
    let stack = unsafe { SliceStack::new(memory.as_mut_slice()) };
    let mut co = Coroutine::with_stack(stack, |y, x: u32| y.suspend(x + 1) + 1);
    assert_eq!(co.resume(1), CoroutineResult::<u32, u32>::Yield(2));
    assert_eq!(co.resume(9), CoroutineResult::Return(10));
}

#[test]
fn a_suspended_coroutine_stack_shows_its_address_range_not_its_bytes() {
    use spindle_core_context_native::Stack;
    let mut memory = Mapping::new(16 * 1024).unwrap();
    // SAFETY: 16 KiB is plenty for this body, which runs to completion below.
    let stack = unsafe { SliceStack::new(memory.as_mut_slice()) };
    let mut co = Coroutine::with_stack(stack, |y, x: u32| y.suspend(x + 1) + 1);
    assert_eq!(co.resume(1), CoroutineResult::<u32, u32>::Yield(2));
    // The body's frames live in that memory now: formatting the stack must not read them.
    let (limit, top) = (co.stack().limit(), co.stack().top());
    assert_eq!(
        format!("{:?}", co.stack()),
        format!("SliceStack {{ limit: {limit:?}, top: {top:?} }}")
    );
    assert_eq!(co.resume(9), CoroutineResult::Return(10));
}

#[test]
#[should_panic(expected = "too small")]
fn a_stack_too_small_is_refused() {
    let mut memory = [0u8; 256];
    // SAFETY: the coroutine is refused before anything runs on the stack.
    let stack = unsafe { SliceStack::new(&mut memory) };
    let _ = Coroutine::<(), (), (), _>::with_stack(stack, |_, _| ());
}

#[test]
fn the_pool_reuses_stacks() {
    let pool = StackPool::new(32 * 1024, 4);
    let first_top = {
        let stack = pool.get().unwrap();
        let top = spindle_core_context_native::Stack::top(&stack);
        let mut co = Coroutine::with_stack(stack, |_, x: u8| x);
        assert_eq!(co.resume(1), CoroutineResult::<(), u8>::Return(1));
        top
    };
    assert_eq!(pool.cached(), 1);
    let again = pool.get().unwrap();
    assert_eq!(spindle_core_context_native::Stack::top(&again), first_top);
    assert_eq!(pool.cached(), 0);
    let extra: Vec<_> = (0..6).map(|_| pool.get().unwrap()).collect();
    drop(extra);
    drop(again);
    assert_eq!(
        pool.cached(),
        4,
        "the pool keeps at most max_cached idle stacks"
    );
}
