//! The native benchmark exports, built only where native coroutines are
//! (`native_coroutines`): elsewhere the addon has pinning and topology alone.
//!
//! They run on the JavaScript thread that calls them, so their sizes are bounded
//! (`benchLimits`): the largest run takes seconds, not minutes, and fits in memory.

use napi::{Error, Result, Status};
use napi_derive::napi;

use super::guarded;
use crate::bench::{MAX_COROUTINES, MAX_ROUND_TRIPS, MAX_TOTAL_STACK_BYTES, MIN_STACK_BYTES};
use crate::FpControl;

/// The sizes the benchmarks accept (the TypeScript wrapper checks them first).
#[napi(object)]
pub struct BenchLimits {
    pub max_round_trips: u32,
    pub max_coroutines: u32,
    pub min_stack_bytes: u32,
    pub max_total_stack_bytes: f64,
}

#[napi]
pub fn bench_limits() -> BenchLimits {
    BenchLimits {
        max_round_trips: MAX_ROUND_TRIPS as u32,
        max_coroutines: MAX_COROUTINES as u32,
        min_stack_bytes: MIN_STACK_BYTES as u32,
        max_total_stack_bytes: MAX_TOTAL_STACK_BYTES as f64,
    }
}

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
    if !(1..=MAX_ROUND_TRIPS).contains(&u64::from(iterations)) {
        return Err(Error::new(
            Status::InvalidArg,
            format!(
                "benchRoundTrip: iterations must be from 1 to {MAX_ROUND_TRIPS}; got {iterations}"
            ),
        ));
    }
    guarded("benchRoundTrip", move || {
        let run = crate::bench::round_trips(u64::from(iterations), FpControl::Preserved);
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
        let report =
            crate::bench::many_coroutines(count as usize, stack_size as usize).map_err(|e| {
                let status = match e.kind() {
                    std::io::ErrorKind::InvalidInput => Status::InvalidArg,
                    _ => Status::GenericFailure,
                };
                Error::new(status, format!("benchManyCoroutines: {e}"))
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
