//! Caller-provided stacks: any byte slice the caller owns, without a guard page.

use super::Stack;

/// A stack on memory the caller provides. It has no guard page and its memory goes back
/// to the caller when the borrow ends, so creating one is `unsafe` (see `new`).
#[derive(Debug)]
pub struct SliceStack<'a> {
    memory: &'a mut [u8],
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
        SliceStack { memory }
    }
}

// SAFETY: the slice is exclusively borrowed for the stack's lifetime; the rest of the
// contract (room, no leak) is the one `SliceStack::new`'s caller took on.
unsafe impl Stack for SliceStack<'_> {
    fn top(&self) -> *mut u8 {
        let end = self.memory.as_ptr() as usize + self.memory.len();
        (end & !15) as *mut u8
    }
    fn limit(&self) -> *mut u8 {
        self.memory.as_ptr().cast_mut()
    }
}
