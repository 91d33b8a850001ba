//! Native half of `@spindle/core-context`: an assembly context switch (x86_64 System V,
//! aarch64), stacks (guarded `mmap`, pooled, caller-provided), native coroutines, a
//! guard-page overflow reporter, stack annotations for valgrind and ASan, thread pinning
//! and CPU topology, and the native benchmarks. With the `node` feature it is also the
//! Node.js addon.
//!
//! Coroutines, stacks and the benchmarks are built on Linux for x86_64 and aarch64 only
//! (the `native_coroutines` cfg, set by build.rs); pinning and topology build everywhere
//! (see README.md for other systems).

#[cfg(native_coroutines)]
mod arch;
#[cfg(native_coroutines)]
pub mod bench;
#[cfg(native_coroutines)]
mod checkers;
#[cfg(native_coroutines)]
pub mod coroutine;
#[cfg(native_coroutines)]
mod overflow;
#[cfg(native_coroutines)]
pub mod stack;
#[cfg(all(native_coroutines, feature = "test-aids"))]
#[doc(hidden)]
pub mod test_aids;
pub mod topology;

#[cfg(feature = "node")]
mod node;

#[cfg(native_coroutines)]
pub use coroutine::{Coroutine, CoroutineResult, CoroutineStatus, FpControl, Yielder};
#[cfg(native_coroutines)]
pub use stack::{Mapping, MmapStack, PooledStack, SliceStack, Stack, StackPool};
