//! The native benchmark exports (and one test aid that kills the process), built only where native coroutines
//! are (`native_coroutines`): elsewhere the addon has pinning and topology alone.

use napi::{Error, Result, Status};
use napi_derive::napi;

use super::guarded;
use crate::FpControl;

/// What `benchRoundTrip` measured.
#[napi(object)]
pub struct RoundTripReport {
    /// Round trips made.
    pub round_trips: u32,
    /// Sum of the coroutine's answers (`i + 1` for round trip `i`): n(n + 1)/2 when every
    /// value made it there and back. A double, so exact while below 2^53.
    pub checksum: f64,
    pub ns_per_round_trip: f64,
}

/// Times `iterations` native round trips (resume + suspend) and checks their answers.
#[napi]
pub fn bench_round_trip(iterations: u32) -> Result<RoundTripReport> {
    guarded("benchRoundTrip", move || {
        let run = crate::bench::round_trips(u64::from(iterations.max(1)), FpControl::Preserved);
        Ok(RoundTripReport {
            round_trips: run.count as u32,
            checksum: run.checksum as f64,
            ns_per_round_trip: run.checked_ns_per_round_trip(),
        })
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

/// Test aid, not API: overflows a coroutine's guarded stack, which kills the calling
/// process (SIGABRT) with the "coroutine stack overflow" message. It exists so that
/// test/native.test.ts can check, in a child node process, that the overflow handler
/// works next to V8's own signal handlers; the TypeScript API does not expose it.
#[napi]
pub fn test_only_overflow_coroutine_stack() {
    crate::bench::overflow_coroutine_stack(crate::stack::page_size())
}
