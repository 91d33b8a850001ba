//! Caller-provided stacks: any byte slice the caller owns, without a guard page.

use std::fmt;
use std::marker::PhantomData;
use std::ptr::NonNull;

use super::Stack;

/// A stack on memory the caller provides. It has no guard page and its memory goes back
/// to the caller when the borrow ends, so creating one is `unsafe` (see `new`).
///
/// It keeps the memory as a raw pointer, not as the `&mut [u8]` it was given: the
/// coroutine writes its frames through pointers taken from `limit`/`top`, and a live
/// `&mut` (asserting exclusive access each time the value moves) or a reading `Debug`
/// would contradict those writes. It offers no access to the bytes; `Debug` prints the
/// address range only.
pub struct SliceStack<'a> {
    base: NonNull<u8>,
    len: usize,
    _borrow: PhantomData<&'a mut [u8]>,
}

impl<'a> SliceStack<'a> {
    /// Uses `memory` as a stack. The top is aligned down to 16 bytes.
    ///
    /// Safe code cannot do it:
    ///
    /// ```compile_fail,E0133
    /// let mut memory = vec![0u8; 64 * 1024];
    /// let stack = spindle_core_context_native::SliceStack::new(&mut memory);
    /// ```
    ///
    /// # Safety
    /// For the coroutine that runs on this stack, the caller guarantees that:
    /// - its body never needs more than `memory`: nothing below the slice faults, so an
    ///   overflow silently overwrites whatever lies there (a neighbouring stack, say).
    ///   Dropping it while suspended runs the system unwinder on this stack, which needs a
    ///   few KiB more than the body itself: a coroutine on a small stack must run to
    ///   completion instead;
    /// - it is dropped or finished before the borrow of `memory` ends, never leaked
    ///   (`mem::forget`, a reference cycle): a suspended body's frames stay in use until
    ///   it is unwound (a scoped thread, say, may still read a local of a suspended
    ///   `thread::scope`), so the memory must not be reused while they are.
    pub unsafe fn new(memory: &'a mut [u8]) -> SliceStack<'a> {
        SliceStack {
            len: memory.len(),
            base: NonNull::from(memory).cast(),
            _borrow: PhantomData,
        }
    }
}

// SAFETY: like the `&mut [u8]` it stands for: the value only hands out pointers.
unsafe impl Send for SliceStack<'_> {}
unsafe impl Sync for SliceStack<'_> {}

impl fmt::Debug for SliceStack<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SliceStack")
            .field("limit", &self.limit())
            .field("top", &self.top())
            .finish()
    }
}

// SAFETY: the memory is exclusively borrowed for the stack's lifetime and the pointers
// come from that `&mut` borrow, so writing through them is allowed; nothing here reads
// it. The rest of the contract (room, no leak) is the one `SliceStack::new`'s caller
// took on.
unsafe impl Stack for SliceStack<'_> {
    fn top(&self) -> *mut u8 {
        let misalignment = (self.base.as_ptr() as usize + self.len) % 16;
        // Derived from `base`, so it carries the borrow's permission.
        self.base
            .as_ptr()
            .wrapping_add(self.len.saturating_sub(misalignment))
    }
    fn limit(&self) -> *mut u8 {
        self.base.as_ptr()
    }
}
