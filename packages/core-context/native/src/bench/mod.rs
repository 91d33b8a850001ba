//! The native benchmarks, shared by the `native-bench` example and the Node.js addon.

pub mod json;

use std::hint::black_box;
use std::time::Instant;

use crate::coroutine::{Coroutine, CoroutineResult, FpControl};
use crate::stack::{page_size, Mapping, MmapStack, SliceStack};

/// What a timed run of round trips measured.
#[derive(Clone, Copy, Debug)]
pub struct RoundTrips {
    /// Round trips made.
    pub count: u64,
    /// Wrapping sum of the coroutine's answers (`i + 1` for round trip `i`).
    pub checksum: u64,
    /// Wall-clock time of the whole loop.
    pub elapsed_ns: f64,
}

impl RoundTrips {
    /// Nanoseconds per round trip, after checking that no answer was lost or wrong.
    pub fn checked_ns_per_round_trip(&self) -> f64 {
        assert_eq!(
            self.checksum,
            expected_checksum(self.count),
            "round trips lost values"
        );
        self.elapsed_ns / self.count as f64
    }
}

/// Nanoseconds per round trip (one resume plus one suspend) over `iterations` round
/// trips of a coroutine that adds one to what it receives, with the default
/// `FpControl::Preserved`.
pub fn round_trip_ns(iterations: u64) -> f64 {
    round_trip_ns_with(iterations, FpControl::Preserved)
}

/// `round_trip_ns` with the floating-point control mode `fp`.
pub fn round_trip_ns_with(iterations: u64, fp: FpControl) -> f64 {
    round_trips(iterations, fp).checked_ns_per_round_trip()
}

/// Runs `iterations` timed round trips of a coroutine that adds one to what it receives.
pub fn round_trips(iterations: u64, fp: FpControl) -> RoundTrips {
    let stack = MmapStack::new(64 * 1024).expect("cannot map a 64 KiB stack");
    let mut coroutine = Coroutine::with_fp_control(stack, fp, |yielder, mut value: u64| loop {
        value = yielder.suspend(value.wrapping_add(1));
    });
    time_round_trips(iterations, |i| match coroutine.resume(i) {
        CoroutineResult::Yield(value) => value,
        CoroutineResult::Return(()) => unreachable!("the loop never returns"),
    })
}

/// Times `iterations` calls of `round_trip(i)` (a resume whose coroutine answers `i + 1`)
/// and sums the answers. The spindle and the corosensei measurements share it, so both
/// pay the same loop.
#[inline(always)]
pub fn time_round_trips(iterations: u64, mut round_trip: impl FnMut(u64) -> u64) -> RoundTrips {
    let start = Instant::now();
    let mut checksum = 0u64;
    for i in 0..iterations {
        checksum = checksum.wrapping_add(round_trip(black_box(i)));
    }
    RoundTrips {
        count: iterations,
        checksum,
        elapsed_ns: start.elapsed().as_nanos() as f64,
    }
}

/// Sum of `i + 1` for `i` in `0..n`, wrapping.
pub fn expected_checksum(n: u64) -> u64 {
    let n = n as u128;
    ((n * (n + 1) / 2) % (1u128 << 64)) as u64
}

/// What `many_coroutines` measured.
#[derive(Clone, Copy, Debug)]
pub struct ManyReport {
    /// Coroutines alive at once.
    pub count: usize,
    /// Usable bytes of each coroutine's stack.
    pub stack_size: usize,
    /// Resident set size with all of them alive and suspended.
    pub rss_bytes: u64,
    /// Growth of the resident set per coroutine.
    pub bytes_per_coroutine: f64,
    /// Nanoseconds per coroutine to create it and resume it twice.
    pub ns_per_coroutine: f64,
}

/// Most round trips one run of the addon's `benchRoundTrip` makes: about a second.
pub const MAX_ROUND_TRIPS: u64 = 100_000_000;
/// Most coroutines `many_coroutines` keeps alive: a few seconds to create and resume.
pub const MAX_COROUTINES: usize = 1_000_000;
/// Smallest stack `many_coroutines` accepts: its bodies and the coroutine header fit.
pub const MIN_STACK_BYTES: usize = 2048;
/// Largest `count * stack_size` of one `many_coroutines` run (2 GiB): the resident memory
/// stays within what a test machine has, whatever the allocator would promise.
pub const MAX_TOTAL_STACK_BYTES: usize = 2 << 30;

/// Checks the sizes of a `many_coroutines` run against the limits above.
fn check_many_coroutines(count: usize, stack_size: usize) -> std::io::Result<()> {
    let invalid = |message: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, message);
    if !(1..=MAX_COROUTINES).contains(&count) {
        return Err(invalid(format!(
            "count must be from 1 to {MAX_COROUTINES}; got {count}"
        )));
    }
    let total = count.checked_mul(stack_size);
    if stack_size < MIN_STACK_BYTES || total.is_none_or(|total| total > MAX_TOTAL_STACK_BYTES) {
        return Err(invalid(format!(
            "stackSize must be at least {MIN_STACK_BYTES} and count * stackSize at most \
             {MAX_TOTAL_STACK_BYTES}; got {count} * {stack_size}"
        )));
    }
    Ok(())
}

/// Keeps `count` coroutines alive at once on caller-provided `stack_size`-byte stacks
/// (rounded up to 16 bytes) carved from one mapping, resumes each twice, checks what
/// they yielded, reports the resident memory, then runs each to its end. Sizes beyond
/// the limits above, and a failed mapping or allocation, are an error, never an abort.
pub fn many_coroutines(count: usize, stack_size: usize) -> std::io::Result<ManyReport> {
    check_many_coroutines(count, stack_size)?;
    let stack_size = stack_size.next_multiple_of(16);
    let rss_before = resident_bytes();
    let start = Instant::now();
    let mut memory = Mapping::new(count * stack_size)?;
    let mut coroutines = Vec::new();
    coroutines.try_reserve_exact(count).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::OutOfMemory,
            format!("cannot allocate the list of {count} coroutines"),
        )
    })?;
    for chunk in memory
        .as_mut_slice()
        .chunks_exact_mut(stack_size)
        .take(count)
    {
        // SAFETY: each chunk is used by one coroutine only; the bodies need a few hundred
        // bytes (two suspends of a u64, no recursion) and `run_many` finishes every one of
        // them before `memory` is unmapped, whether the checks pass or not, so none is
        // unwound or forgotten on its small unguarded stack.
        let stack = unsafe { SliceStack::new(chunk) };
        coroutines.push(Coroutine::with_stack(stack, |yielder, first: u64| {
            let second = yielder.suspend(first * 2);
            yielder.suspend(second * 3)
        }));
    }
    let checked = resume_twice_each(&mut coroutines);
    let ns_per_coroutine = start.elapsed().as_nanos() as f64 / count as f64;
    let rss_bytes = resident_bytes();
    let finished = finish_each(&mut coroutines);
    drop(coroutines);
    drop(memory);
    checked.and(finished).map_err(std::io::Error::other)?;
    Ok(ManyReport {
        count,
        stack_size,
        rss_bytes,
        bytes_per_coroutine: rss_bytes.saturating_sub(rss_before) as f64 / count as f64,
        ns_per_coroutine,
    })
}

type Many<'a> = Vec<Coroutine<u64, u64, u64, SliceStack<'a>>>;

/// Resumes every coroutine twice and checks what it yields. A wrong answer is reported
/// after the rounds (never by panicking: the coroutines must not be dropped suspended).
fn resume_twice_each(coroutines: &mut Many<'_>) -> Result<(), String> {
    let mut first_wrong = Ok(());
    for round in 0..2u64 {
        for (i, coroutine) in coroutines.iter_mut().enumerate() {
            if coroutine.status() == crate::CoroutineStatus::Done {
                continue; // it already answered wrongly by returning
            }
            let i = i as u64;
            let (input, expected) = if round == 0 {
                (i, i * 2)
            } else {
                (i + 1, (i + 1) * 3)
            };
            match coroutine.resume(input) {
                CoroutineResult::Yield(value) if value == expected => {}
                other => {
                    first_wrong = first_wrong.and(Err(format!(
                        "coroutine {i} answered {other:?} in round {round}"
                    )))
                }
            }
        }
    }
    first_wrong
}

/// Runs every suspended coroutine to its end (each returns its last input).
fn finish_each(coroutines: &mut Many<'_>) -> Result<(), String> {
    let mut first_wrong = Ok(());
    for (i, coroutine) in coroutines.iter_mut().enumerate() {
        if coroutine.status() != crate::CoroutineStatus::Suspended {
            continue;
        }
        match coroutine.resume(i as u64) {
            CoroutineResult::Return(value) if value == i as u64 => {}
            other => {
                first_wrong = first_wrong.and(Err(format!(
                    "coroutine {i} answered {other:?} when asked to finish"
                )))
            }
        }
    }
    first_wrong
}

/// The process's resident set size, from /proc/self/statm.
pub fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * page_size() as u64
}
