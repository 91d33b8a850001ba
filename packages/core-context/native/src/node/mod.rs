//! The Node.js addon: pinning and topology calls, and (where native coroutines build)
//! the native benchmarks in `bench.rs`.
//!
//! Every export returns plain values or a JavaScript error; a Rust panic is caught here
//! and becomes a JavaScript error, never an abort. Coroutines run only inside the
//! benchmark calls, entirely in Rust: no N-API call is made from a coroutine stack.
//! Failing system calls return their errno so the TypeScript wrapper can throw
//! core-context's `SystemError`.

// napi-derive registers exports only outside `cfg(test)`.
#![cfg_attr(test, allow(dead_code))]

use std::panic::{catch_unwind, UnwindSafe};

use napi::{Error, Result, Status};
use napi_derive::napi;

use crate::topology;

#[cfg(native_coroutines)]
mod bench;
#[cfg(all(native_coroutines, feature = "test-aids"))]
mod test_aids;

/// Runs `f`, turning a panic into a JavaScript error.
fn guarded<T>(what: &str, f: impl FnOnce() -> Result<T> + UnwindSafe) -> Result<T> {
    catch_unwind(f).unwrap_or_else(|payload| {
        let reason = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(Error::new(
            Status::GenericFailure,
            format!("{what} panicked: {reason}"),
        ))
    })
}

/// Pins the calling thread to `cpus`; returns 0 or the errno of `sched_setaffinity`.
#[napi]
pub fn pin_thread(cpus: Vec<u32>) -> Result<i32> {
    guarded("pinThread", move || {
        let cpus: Vec<usize> = cpus.iter().map(|&cpu| cpu as usize).collect();
        Ok(topology::pin_thread(&cpus).err().unwrap_or(0))
    })
}

/// The calling thread's CPU set, or the errno of `sched_getaffinity`.
#[napi(object)]
pub struct AffinityReading {
    pub errno: i32,
    pub cpus: Vec<u32>,
}

#[napi]
pub fn current_affinity() -> Result<AffinityReading> {
    guarded("currentAffinity", || {
        Ok(match topology::current_affinity() {
            Ok(cpus) => AffinityReading {
                errno: 0,
                cpus: cpus.into_iter().map(|cpu| cpu as u32).collect(),
            },
            Err(errno) => AffinityReading {
                errno,
                cpus: Vec::new(),
            },
        })
    })
}

/// Threads that can usefully run at once (affinity mask and cgroup quota).
#[napi]
pub fn usable_parallelism() -> Result<u32> {
    guarded("usableParallelism", || {
        Ok(topology::usable_parallelism() as u32)
    })
}

/// The calling thread's kernel thread id (`gettid`).
#[napi]
pub fn thread_id() -> Result<i64> {
    guarded("threadId", || Ok(topology::thread_id()))
}

/// The operating system's description of an error number.
#[napi]
pub fn os_error_message(errno: i32) -> String {
    std::io::Error::from_raw_os_error(errno).to_string()
}
