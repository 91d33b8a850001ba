//! The Node.js addon: pinning and topology calls, and the native benchmarks.
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

/// Nanoseconds per native round trip (resume + suspend), over `iterations` round trips.
#[napi]
pub fn bench_round_trip(iterations: u32) -> Result<f64> {
    guarded("benchRoundTrip", move || {
        Ok(crate::bench::round_trip_ns(u64::from(iterations.max(1))))
    })
}

/// What `benchManyCoroutines` measured.
#[napi(object)]
pub struct ManyCoroutinesReport {
    pub count: u32,
    pub stack_size: u32,
    pub rss_bytes: f64,
    pub bytes_per_coroutine: f64,
    pub ns_per_coroutine: f64,
}

/// Keeps `count` coroutines alive at once on `stackSize`-byte caller-provided stacks,
/// resumes each twice, and reports the resident memory.
#[napi]
pub fn bench_many_coroutines(count: u32, stack_size: u32) -> Result<ManyCoroutinesReport> {
    guarded("benchManyCoroutines", move || {
        let report = crate::bench::many_coroutines(count.max(1) as usize, stack_size as usize)
            .map_err(|e| {
                Error::new(
                    Status::GenericFailure,
                    format!("cannot reserve the stacks: {e}"),
                )
            })?;
        Ok(ManyCoroutinesReport {
            count: report.count as u32,
            stack_size: report.stack_size as u32,
            rss_bytes: report.rss_bytes as f64,
            bytes_per_coroutine: report.bytes_per_coroutine,
            ns_per_coroutine: report.ns_per_coroutine,
        })
    })
}

/// Test aid: overflows a coroutine's guarded stack, which ends the process with the
/// "coroutine stack overflow" message. Never returns.
#[napi]
pub fn overflow_coroutine_stack() {
    crate::bench::overflow_coroutine_stack(crate::stack::page_size())
}
