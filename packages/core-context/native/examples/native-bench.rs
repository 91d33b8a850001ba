//! Native benchmarks of @spindle/core-context, printed as JSON lines (ARCHITECTURE.md):
//!
//! * round-trip: ns per resume + suspend, spindle (floating-point control state preserved,
//!   the default) and spindle with `FpControl::Shared` against the `corosensei` crate
//!   (which does not switch that state) measured in the same run;
//! * coroutines-alive: coroutines alive at once on small caller-provided stacks, each
//!   resumed twice; coroutines-alive-rss: the growth of the resident set per coroutine
//!   with all of them alive.
//!
//! `cargo run --release -p spindle-core-context-native --example native-bench -- [--quick]`

use corosensei::stack::DefaultStack;
use corosensei::{Coroutine, CoroutineResult};
use spindle_core_context_native::bench::json::{json_row, many_coroutines_rows};
use spindle_core_context_native::bench::{
    many_coroutines, round_trip_ns, round_trip_ns_with, time_round_trips,
};
use spindle_core_context_native::FpControl;

const RUNS: usize = 7;
const SMALL_STACK: usize = 2048;

/// Measures `n` round trips and returns nanoseconds per round trip.
type RoundTrip = fn(u64) -> f64;

fn corosensei_round_trip_ns(iterations: u64) -> f64 {
    let stack = DefaultStack::new(64 * 1024).expect("cannot map a 64 KiB stack");
    let mut coroutine = Coroutine::with_stack(stack, |yielder, mut value: u64| loop {
        value = yielder.suspend(value.wrapping_add(1));
    });
    time_round_trips(iterations, |i| match coroutine.resume(i) {
        CoroutineResult::Yield(value) => value,
        CoroutineResult::Return(()) => unreachable!("the loop never returns"),
    })
    .checked_ns_per_round_trip()
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    let mid = samples.len() / 2;
    if samples.len() % 2 == 1 {
        samples[mid]
    } else {
        (samples[mid - 1] + samples[mid]) / 2.0
    }
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let iterations: u64 = if quick { 2_000_000 } else { 20_000_000 };
    let alive = if quick { 100_000 } else { 1_000_000 };

    // Interleave the implementations so that drift in the machine's load hits all of them.
    let contenders: [(&str, RoundTrip); 3] = [
        ("spindle", round_trip_ns),
        ("spindle-shared-fp-control", |n| {
            round_trip_ns_with(n, FpControl::Shared)
        }),
        ("corosensei", corosensei_round_trip_ns),
    ];
    let mut samples = vec![Vec::new(); contenders.len()];
    for (_, measure) in contenders {
        measure(iterations / 10);
    }
    for _ in 0..RUNS {
        for ((_, measure), runs) in contenders.iter().zip(&mut samples) {
            runs.push(measure(iterations));
        }
    }
    for ((name, _), samples) in contenders.into_iter().zip(samples) {
        let ns = median(samples);
        println!(
            "{}",
            json_row(
                "round-trip",
                name,
                ns,
                "ns/op",
                "lower",
                iterations as usize,
                &[]
            )
        );
    }

    let report = many_coroutines(alive, SMALL_STACK).expect("cannot reserve the stacks");
    for row in many_coroutines_rows(&report) {
        println!("{row}");
    }
}
