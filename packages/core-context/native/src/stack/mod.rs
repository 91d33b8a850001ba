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
/// - `limit..top` is writable memory that nothing else uses while the value lives, and
///   `top` is 16-byte aligned;
/// - running past `limit` faults (an inaccessible guard region, reported by `guard`),
///   unless whoever created the value promised that no body will (as
///   `SliceStack::new`'s caller does);
/// - if the value is leaked instead of dropped, its memory is never reused (owned memory
///   stays mapped): a suspended coroutine's frames may still be read by other threads;
/// - the value gives safe code no access to the bytes of `limit..top` (no slice, no
///   `Debug` that prints them): `Coroutine::stack` hands out `&S` while the coroutine's
///   frames live there, and `top`/`limit` must be derived from a pointer that may write
///   it (not from a shared reference to it).
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
