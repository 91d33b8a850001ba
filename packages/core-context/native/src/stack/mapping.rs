//! An anonymous private memory mapping: the raw material of managed stacks, and a cheap
//! way for callers to reserve room for many caller-provided stacks at once (pages are
//! committed only when touched).

use std::io;
use std::ptr::NonNull;

/// The system page size.
pub fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size > 0 {
        size as usize
    } else {
        4096
    }
}

/// Rounds `bytes` up to a whole number of pages.
pub(crate) fn round_to_pages(bytes: usize) -> usize {
    let page = page_size();
    bytes.div_ceil(page) * page
}

/// An anonymous read-write mapping, unmapped on drop.
#[derive(Debug)]
pub struct Mapping {
    base: NonNull<u8>,
    len: usize,
}

// SAFETY: the mapping is plain memory owned by this value.
unsafe impl Send for Mapping {}
unsafe impl Sync for Mapping {}

impl Mapping {
    /// Reserves `bytes` (rounded up to pages) of zeroed memory. Nothing is committed until
    /// touched, and no swap is reserved for it.
    pub fn new(bytes: usize) -> io::Result<Mapping> {
        let len = round_to_pages(bytes.max(1));
        // SAFETY: a fresh anonymous mapping aliases nothing.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        Ok(Mapping {
            base: NonNull::new(ptr.cast()).expect("mmap returned null"),
            len,
        })
    }

    /// Lowest address of the mapping (page aligned).
    pub fn base(&self) -> *mut u8 {
        self.base.as_ptr()
    }

    /// Length in bytes (a whole number of pages).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the mapping is empty (never: mappings are at least one page).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The mapping as a byte slice, for carving into `SliceStack`s.
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: the mapping is readable and writable and owned by self.
        unsafe { std::slice::from_raw_parts_mut(self.base.as_ptr(), self.len) }
    }

    /// Makes the first `bytes` (a whole number of pages) inaccessible.
    pub(crate) fn protect_low(&mut self, bytes: usize) -> io::Result<()> {
        // SAFETY: the range lies inside the mapping.
        if unsafe { libc::mprotect(self.base.as_ptr().cast(), bytes, libc::PROT_NONE) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: unmapping our own mapping; nothing refers to it any more.
        unsafe { libc::munmap(self.base.as_ptr().cast(), self.len) };
    }
}
