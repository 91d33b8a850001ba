//! AddressSanitizer's fiber annotations. Each side of a switch calls `start_switch`
//! before it leaves, naming the stack it goes to, and `finish_switch` when it lands,
//! which tells it the stack it came from. A side that leaves for good passes no
//! `FakeStack` slot, so ASan releases its fake frames.

use std::ffi::c_void;
use std::ptr;

/// The lowest address and size of a stack, as ASan wants them.
#[derive(Clone, Copy, Debug)]
#[cfg_attr(not(spindle_asan), allow(dead_code))]
pub(crate) struct StackBounds {
    pub(crate) bottom: *const c_void,
    pub(crate) size: usize,
}

impl StackBounds {
    pub(crate) const UNKNOWN: StackBounds = StackBounds {
        bottom: ptr::null(),
        size: 0,
    };
}

/// Where ASan keeps the fake stack of the side that is switched out (its
/// use-after-return frames), from `start_switch` to that side's `finish_switch`.
pub(crate) type FakeStack = *mut c_void;

#[cfg(spindle_asan)]
extern "C" {
    fn __sanitizer_start_switch_fiber(
        fake_stack_save: *mut *mut c_void,
        bottom: *const c_void,
        size: usize,
    );
    fn __sanitizer_finish_switch_fiber(
        fake_stack_save: *mut c_void,
        bottom_old: *mut *const c_void,
        size_old: *mut usize,
    );
}

/// Announces a switch to the stack `to`. `save` receives this side's fake stack; `None`
/// when this side never runs again.
#[inline(always)]
pub(crate) fn start_switch(save: Option<&mut FakeStack>, to: StackBounds) {
    #[cfg(spindle_asan)]
    // SAFETY: plain bookkeeping calls into the ASan runtime.
    unsafe {
        let save = save.map_or(ptr::null_mut(), |slot| slot as *mut FakeStack);
        __sanitizer_start_switch_fiber(save, to.bottom, to.size)
    };
    #[cfg(not(spindle_asan))]
    let _ = (save, to);
}

/// Confirms that a switch landed on this side, whose fake stack `start_switch` saved in
/// `saved` (null the first time a stack runs), and stores the stack it came from in
/// `from` if given. Without ASan it stores nothing.
#[inline(always)]
pub(crate) fn finish_switch(saved: FakeStack, from: Option<&mut StackBounds>) {
    #[cfg(spindle_asan)]
    // SAFETY: plain bookkeeping calls into the ASan runtime.
    unsafe {
        let (bottom, size) = match from {
            Some(from) => (&mut from.bottom as *mut _, &mut from.size as *mut _),
            None => (ptr::null_mut(), ptr::null_mut()),
        };
        __sanitizer_finish_switch_fiber(saved, bottom, size)
    };
    #[cfg(not(spindle_asan))]
    let _ = (saved, from);
}
