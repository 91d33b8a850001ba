//! Managed stacks: one mapping each, with inaccessible guard pages at the bottom.
//!
//! Each guarded stack costs the process two memory areas (the kernel's `vm.max_map_count`
//! is 65,530 by default), so hundreds of thousands of coroutines should run on
//! caller-provided stacks carved from one `Mapping` instead.

use std::io;

use super::mapping::{round_to_pages, Mapping};
use super::Stack;
use crate::overflow;

/// A stack in its own mapping with a guard region below it. Overflowing into the guard
/// ends the process with a "coroutine stack overflow" message (see `overflow`).
#[derive(Debug)]
pub struct MmapStack {
    mapping: Mapping,
    guard_bytes: usize,
}

impl MmapStack {
    /// Default usable size: enough for ordinary Rust code.
    pub const DEFAULT_SIZE: usize = 256 * 1024;

    /// A stack of at least `size` usable bytes with one guard page.
    pub fn new(size: usize) -> io::Result<MmapStack> {
        Self::with_guard(size, super::page_size())
    }

    /// A stack of at least `size` usable bytes above a guard of at least `guard` bytes
    /// (both rounded up to pages; the guard is at least one page).
    pub fn with_guard(size: usize, guard: usize) -> io::Result<MmapStack> {
        let usable = round_to_pages(size.max(1));
        let guard_bytes = round_to_pages(guard.max(1));
        let mut mapping = Mapping::new(usable + guard_bytes)?;
        mapping.protect_low(guard_bytes)?;
        let stack = MmapStack {
            mapping,
            guard_bytes,
        };
        let (start, end) = stack.guard_range();
        overflow::register_guard(start, end);
        Ok(stack)
    }

    /// Usable bytes above the guard.
    pub fn size(&self) -> usize {
        self.mapping.len() - self.guard_bytes
    }

    fn guard_range(&self) -> (usize, usize) {
        let start = self.mapping.base() as usize;
        (start, start + self.guard_bytes)
    }
}

impl Drop for MmapStack {
    fn drop(&mut self) {
        overflow::unregister_guard(self.guard_range().0);
    }
}

// SAFETY: the usable range is our own read-write memory, reached only through the
// mapping's raw pointer (`Debug` prints its address and length); the top is page aligned.
unsafe impl Stack for MmapStack {
    fn top(&self) -> *mut u8 {
        // SAFETY: one past the end of the mapping.
        unsafe { self.mapping.base().add(self.mapping.len()) }
    }
    fn limit(&self) -> *mut u8 {
        // SAFETY: the guard lies inside the mapping.
        unsafe { self.mapping.base().add(self.guard_bytes) }
    }
    fn guard(&self) -> Option<(usize, usize)> {
        Some(self.guard_range())
    }
}
