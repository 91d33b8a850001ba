//! Caller-provided stacks: any byte slice the caller owns.

use super::Stack;

/// A stack on memory the caller provides. It has no guard page: the caller chooses the
/// size and is responsible for it being enough (or for guarding it).
#[derive(Debug)]
pub struct SliceStack<'a> {
    memory: &'a mut [u8],
}

impl<'a> SliceStack<'a> {
    /// Uses `memory` as a stack. The top is aligned down to 16 bytes.
    pub fn new(memory: &'a mut [u8]) -> SliceStack<'a> {
        SliceStack { memory }
    }
}

// SAFETY: the slice is exclusively borrowed for the stack's lifetime.
unsafe impl Stack for SliceStack<'_> {
    fn top(&self) -> *mut u8 {
        let end = self.memory.as_ptr() as usize + self.memory.len();
        (end & !15) as *mut u8
    }
    fn limit(&self) -> *mut u8 {
        self.memory.as_ptr().cast_mut()
    }
}
