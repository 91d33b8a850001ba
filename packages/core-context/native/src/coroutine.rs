//! Native coroutines: a body runs on its own stack and trades values with whoever
//! resumes it.
//!
//! * `resume(input)` runs the body until it suspends (`Yielder::suspend(value)`) or
//!   returns; the first resume passes the body's argument.
//! * A panic in the body is caught at the coroutine's root and raised again in the
//!   resumer (`std::panic::resume_unwind`); the coroutine is then finished.
//! * Dropping a coroutine that is suspended unwinds its stack: its pending `suspend` call
//!   panics with a private payload (without running the panic hook), so every destructor
//!   on the coroutine stack runs before the stack is released. A body that catches that
//!   unwind cannot suspend again: every later `suspend` unwinds at once. Dropping a
//!   coroutine that never started drops its body closure; a finished one frees its stack.
//!   Unwinding runs the system unwinder on the coroutine stack, which needs a few KiB of
//!   room: run coroutines on very small stacks to completion instead of dropping them
//!   suspended.
//! * The floating-point control state (x86_64: MXCSR and the x87 control word) is kept per
//!   side by default and shared with `FpControl::Shared` (see `FpControl`).
//!
//! Coroutines are neither `Send` nor `Sync`: the thread that creates one runs it.
//!
//! The body and the values it trades are `'static`: a coroutine may be moved away from
//! where it was made, or leaked while suspended, and its frames must not outlive what
//! they borrow. A body that borrows a local does not compile:
//!
//! ```compile_fail,E0597
//! use spindle_core_context_native::{Coroutine, MmapStack};
//!
//! fn outlives_its_borrow() -> Coroutine<(), usize, (), MmapStack> {
//!     let local = vec![1, 2, 3];
//!     let borrowed = &local;
//!     Coroutine::with_stack(MmapStack::new(64 * 1024).unwrap(), move |y, ()| {
//!         y.suspend(borrowed.len());
//!     })
//! }
//! ```
//!
//! nor does one that takes a borrow as its input (a `thread::scope` suspended inside it
//! could hand the borrow to a thread that outlives it):
//!
//! ```compile_fail
//! use spindle_core_context_native::{Coroutine, CoroutineResult, MmapStack};
//!
//! fn takes_a_borrow(value: &u32) -> u32 {
//!     let stack = MmapStack::new(64 * 1024).unwrap();
//!     let mut co = Coroutine::<&u32, (), u32, _>::with_stack(stack, |_, x| *x);
//!     match co.resume(value) {
//!         CoroutineResult::Return(x) => x,
//!         CoroutineResult::Yield(()) => unreachable!(),
//!     }
//! }
//! ```
//!
//! Moving the data in is the way:
//!
//! ```
//! use spindle_core_context_native::{Coroutine, CoroutineResult, MmapStack};
//!
//! fn owns_its_data() -> Coroutine<(), usize, (), MmapStack> {
//!     let local = vec![1, 2, 3];
//!     Coroutine::with_stack(MmapStack::new(64 * 1024).unwrap(), move |y, ()| {
//!         y.suspend(local.len());
//!     })
//! }
//! assert_eq!(owns_its_data().resume(()), CoroutineResult::Yield(3));
//!
//! fn takes_a_copy(value: &u32) -> u32 {
//!     let stack = MmapStack::new(64 * 1024).unwrap();
//!     let mut co = Coroutine::<u32, (), u32, _>::with_stack(stack, |_, x| x);
//!     match co.resume(*value) {
//!         CoroutineResult::Return(x) => x,
//!         CoroutineResult::Yield(()) => unreachable!(),
//!     }
//! }
//! assert_eq!(takes_a_copy(&7), 7);
//! ```

use std::any::Any;
use std::marker::PhantomData;
use std::mem::{align_of, size_of, ManuallyDrop};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::ptr;

pub use crate::arch::FpControl;
use crate::arch::{init_stack, switch};
use crate::checkers::{finish_switch, start_switch, FakeStack, RegisteredStack, StackBounds};
use crate::overflow;
use crate::stack::Stack;

/// What a resume produced.
#[derive(Debug, PartialEq, Eq)]
pub enum CoroutineResult<Y, R> {
    /// The body suspended with this value.
    Yield(Y),
    /// The body returned this value; the coroutine is finished.
    Return(R),
}

/// Where a coroutine is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoroutineStatus {
    /// Created, not yet resumed.
    Created,
    /// Suspended inside its body.
    Suspended,
    /// Returned or panicked.
    Done,
}

/// Bookkeeping both sides reach, kept at the top of the coroutine stack so it never moves.
struct Shared {
    /// Stack pointer of the resumer while the coroutine runs.
    caller_sp: *mut u8,
    /// Stack pointer of the coroutine while it is suspended.
    coroutine_sp: *mut u8,
    /// The body closure, read once by the coroutine's root.
    closure: *mut u8,
    /// Set by the root before its last switch: the pointer it passes is the outcome.
    finished: bool,
    /// Set while the coroutine is being unwound by a drop.
    unwinding: bool,
    /// What both sides' switches do with the floating-point control state.
    fp: FpControl,
    /// The stack of the resumer, for AddressSanitizer's switch annotations (unset
    /// without ASan).
    caller_stack: StackBounds,
}

/// The outcome the root hands over when the body ends.
type Outcome<R> = Result<R, Box<dyn Any + Send>>;

/// Panic payload used to unwind a suspended coroutine that is being dropped.
struct ForcedUnwind;

/// Bytes the body needs below the header, the closure and the initial frame at least.
const MIN_FREE_STACK: usize = 1024;

/// A coroutine taking `I` on each resume, yielding `Y`, returning `R`, on stack `S`.
pub struct Coroutine<I, Y, R, S: Stack> {
    shared: *mut Shared,
    status: CoroutineStatus,
    drop_closure: unsafe fn(*mut u8),
    /// The coroutine stack, for AddressSanitizer's switch annotations.
    bounds: StackBounds,
    /// Registered with valgrind until the stack is released (dropped before `stack`).
    _registered: RegisteredStack,
    stack: S,
    _types: PhantomData<*mut (I, Y, R)>,
}

/// The body's handle for suspending its coroutine.
pub struct Yielder<I, Y> {
    shared: *mut Shared,
    _types: PhantomData<*mut (I, Y)>,
}

impl<I, Y, R, S: Stack> Coroutine<I, Y, R, S> {
    /// Prepares `body` to run on `stack`; nothing runs until the first `resume`. Each
    /// side keeps its own floating-point control state (`FpControl::Preserved`).
    ///
    /// # Panics
    /// If the stack is too small to hold the body closure plus a minimal frame.
    pub fn with_stack<F>(stack: S, body: F) -> Self
    where
        F: FnOnce(&Yielder<I, Y>, I) -> R + 'static,
        I: 'static,
        Y: 'static,
        R: 'static,
    {
        Self::with_fp_control(stack, FpControl::Preserved, body)
    }

    /// Like `with_stack`, choosing what switches do with the floating-point control state.
    ///
    /// # Panics
    /// If the stack is too small to hold the body closure plus a minimal frame.
    pub fn with_fp_control<F>(stack: S, fp: FpControl, body: F) -> Self
    where
        F: FnOnce(&Yielder<I, Y>, I) -> R + 'static,
        I: 'static,
        Y: 'static,
        R: 'static,
    {
        let top = stack.top() as usize;
        let limit = stack.limit() as usize;
        let shared_at = (top - size_of::<Shared>()) & !15;
        let closure_at = (shared_at - size_of::<F>()) & !(align_of::<F>().max(16) - 1);
        assert!(
            closure_at > limit && closure_at - limit >= MIN_FREE_STACK,
            "coroutine stack of {} bytes is too small for a {}-byte body",
            top - limit,
            size_of::<F>()
        );
        if stack.guard().is_some() {
            overflow::prepare_current_thread();
        }
        let registered = RegisteredStack::new(stack.limit(), stack.top());
        // SAFETY: both locations lie inside the stack, suitably aligned and unused.
        let shared = unsafe {
            let shared = shared_at as *mut Shared;
            shared.write(Shared {
                caller_sp: ptr::null_mut(),
                coroutine_sp: ptr::null_mut(),
                closure: closure_at as *mut u8,
                finished: false,
                unwinding: false,
                fp,
                caller_stack: StackBounds::UNKNOWN,
            });
            (closure_at as *mut F).write(body);
            (*shared).coroutine_sp =
                init_stack(closure_at as *mut u8, root::<F, I, Y, R>, shared.cast());
            shared
        };
        Coroutine {
            shared,
            status: CoroutineStatus::Created,
            drop_closure: drop_closure::<F>,
            bounds: StackBounds {
                bottom: limit as *const _,
                size: top - limit,
            },
            _registered: registered,
            stack,
            _types: PhantomData,
        }
    }

    /// Where the coroutine is in its life.
    pub fn status(&self) -> CoroutineStatus {
        self.status
    }

    /// The stack the coroutine runs on. Its addresses only: a `Stack` offers no access to
    /// its bytes, where the body's frames may live.
    pub fn stack(&self) -> &S {
        &self.stack
    }

    /// Runs the body until it suspends or ends. A panic in the body is raised here.
    ///
    /// # Panics
    /// If the coroutine is already finished.
    #[inline]
    pub fn resume(&mut self, input: I) -> CoroutineResult<Y, R> {
        if self.status == CoroutineStatus::Done {
            resumed_after_finish();
        }
        // Values cross the switch as pointers to the sender's stack; the receiver moves
        // the value out at once (`ptr::read`), so the sender must not drop it.
        let input = ManuallyDrop::new(input);
        // SAFETY: the coroutine is suspended (or new) and its shared block is live; the
        // handed pointer is the body's yielded value, or its outcome once it finished.
        unsafe {
            let handed = self.switch_in(ptr::addr_of!(input) as usize);
            if (*self.shared).finished {
                self.finish(handed as *const Outcome<R>)
            } else {
                self.status = CoroutineStatus::Suspended;
                CoroutineResult::Yield(ptr::read(handed as *const Y))
            }
        }
    }

    #[cold]
    unsafe fn finish(&mut self, outcome: *const Outcome<R>) -> CoroutineResult<Y, R> {
        self.status = CoroutineStatus::Done;
        match ptr::read(outcome) {
            Ok(value) => CoroutineResult::Return(value),
            Err(payload) => resume_unwind(payload),
        }
    }

    #[inline(always)]
    unsafe fn switch_in(&mut self, value: usize) -> usize {
        let shared = self.shared;
        let mut fake_stack: FakeStack = ptr::null_mut();
        start_switch(Some(&mut fake_stack), self.bounds);
        let handed = switch(
            ptr::addr_of_mut!((*shared).caller_sp),
            (*shared).coroutine_sp,
            value,
            (*shared).fp,
        );
        finish_switch(fake_stack, None);
        handed
    }

    /// Unwinds a suspended coroutine's stack (see the module docs).
    fn force_unwind(&mut self) {
        // SAFETY: the coroutine is suspended; a null value tells `suspend` to unwind.
        let outcome = unsafe {
            (*self.shared).unwinding = true;
            let handed = self.switch_in(0);
            debug_assert!(
                (*self.shared).finished,
                "an unwinding coroutine cannot suspend"
            );
            ptr::read(handed as *const Outcome<R>)
        };
        self.status = CoroutineStatus::Done;
        if let Err(payload) = outcome {
            if !payload.is::<ForcedUnwind>() {
                // A destructor panicked while the stack unwound: report it to the dropper.
                resume_unwind(payload);
            }
        }
    }
}

impl<I, Y, R, S: Stack> Drop for Coroutine<I, Y, R, S> {
    fn drop(&mut self) {
        match self.status {
            // SAFETY: the closure was written by `with_stack` and never read.
            CoroutineStatus::Created => unsafe { (self.drop_closure)((*self.shared).closure) },
            CoroutineStatus::Suspended => self.force_unwind(),
            CoroutineStatus::Done => {}
        }
    }
}

impl<I, Y> Yielder<I, Y> {
    /// Suspends the coroutine, handing `value` to the resumer, and returns the input of
    /// the next resume.
    #[inline]
    pub fn suspend(&self, value: Y) -> I {
        let shared = self.shared;
        // SAFETY: called on the coroutine's own stack while it runs; the resumer moves
        // `value` out before it runs on, and hands over a pointer to its input (or null).
        unsafe {
            if (*shared).unwinding {
                forced_unwind();
            }
            let value = ManuallyDrop::new(value);
            let mut fake_stack: FakeStack = ptr::null_mut();
            start_switch(Some(&mut fake_stack), (*shared).caller_stack);
            let handed = switch(
                ptr::addr_of_mut!((*shared).coroutine_sp),
                (*shared).caller_sp,
                ptr::addr_of!(value) as usize,
                (*shared).fp,
            );
            finish_switch(fake_stack, Some(&mut (*shared).caller_stack));
            if handed == 0 {
                forced_unwind();
            }
            ptr::read(handed as *const I)
        }
    }
}

#[cold]
#[inline(never)]
fn resumed_after_finish() -> ! {
    panic!("resumed a coroutine that has already finished")
}

/// Unwinds the coroutine stack of a coroutine that is being dropped.
#[cold]
#[inline(never)]
fn forced_unwind() -> ! {
    resume_unwind(Box::new(ForcedUnwind))
}

unsafe fn drop_closure<F>(closure: *mut u8) {
    ptr::drop_in_place(closure.cast::<F>());
}

/// The bottom frame of every coroutine: runs the body, catches its panic, hands the
/// outcome over and switches away for good.
unsafe extern "C" fn root<F, I, Y, R>(first: usize, data: *mut u8) -> !
where
    F: FnOnce(&Yielder<I, Y>, I) -> R,
{
    let shared = data.cast::<Shared>();
    finish_switch(ptr::null_mut(), Some(&mut (*shared).caller_stack));
    let body = ptr::read((*shared).closure.cast::<F>());
    let yielder = Yielder {
        shared,
        _types: PhantomData,
    };
    let input = ptr::read(first as *const I);
    let outcome = ManuallyDrop::new(catch_unwind(AssertUnwindSafe(move || {
        body(&yielder, input)
    })));
    (*shared).finished = true;
    start_switch(None, (*shared).caller_stack);
    switch(
        ptr::addr_of_mut!((*shared).coroutine_sp),
        (*shared).caller_sp,
        ptr::addr_of!(outcome) as usize,
        (*shared).fp,
    );
    // Nothing switches back to a finished coroutine.
    std::process::abort()
}
