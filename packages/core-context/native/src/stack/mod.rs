//! Stacks for native coroutines: managed (`MmapStack`, with a guard page), pooled
//! (`StackPool`), or memory the caller provides (`SliceStack`, carved for instance from a
//! `Mapping`).

mod mapping;
mod mmap;
mod pool;
mod slice;

pub use mapping::{page_size, Mapping};
pub use mmap::MmapStack;
pub use pool::{PooledStack, StackPool};
pub use slice::SliceStack;

/// Memory a coroutine runs on. Stacks grow down from `top` towards `limit`.
///
/// # Safety
/// `limit..top` must be writable memory that stays valid and unused by anything else for
/// as long as the value lives, and `top` must be 16-byte aligned.
pub unsafe trait Stack {
    /// One past the highest usable byte, 16-byte aligned.
    fn top(&self) -> *mut u8;
    /// The lowest usable byte.
    fn limit(&self) -> *mut u8;
    /// The guard region below `limit` that faults on access, if the stack has one.
    fn guard(&self) -> Option<(usize, usize)> {
        None
    }
}

unsafe impl<S: Stack + ?Sized> Stack for &mut S {
    fn top(&self) -> *mut u8 {
        (**self).top()
    }
    fn limit(&self) -> *mut u8 {
        (**self).limit()
    }
    fn guard(&self) -> Option<(usize, usize)> {
        (**self).guard()
    }
}
