//! Native half of `@spindle/core-context`: an assembly context switch (x86_64 System V,
//! aarch64), stacks (guarded `mmap`, pooled, caller-provided), native coroutines, a
//! guard-page overflow reporter, thread pinning and CPU topology, and the native
//! benchmarks. With the `node` feature it is also the Node.js addon.
//!
//! Coroutines, stacks and the benchmarks are built on Linux for x86_64 and aarch64 only;
//! pinning and topology build everywhere (see README.md for other systems).

#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
mod arch;
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
pub mod bench;
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
pub mod coroutine;
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
mod overflow;
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
pub mod stack;
pub mod topology;

#[cfg(feature = "node")]
mod node;

#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
pub use coroutine::{Coroutine, CoroutineResult, CoroutineStatus, FpControl, Yielder};
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
pub use stack::{Mapping, MmapStack, PooledStack, SliceStack, Stack, StackPool};
