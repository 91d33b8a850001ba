//! Benchmark lines in the JSON format of ARCHITECTURE.md ("Benchmark output"), one per
//! measured case and implementation, for the `native-bench` example.

use super::ManyReport;

/// The suite name of every native core-context line.
pub const SUITE: &str = "core-context-native";

/// One JSON line. Numbers are rounded to 3 decimals; `extra` keys describe the conditions
/// of the measurement and are not values the report tables show.
pub fn json_row(
    case: &str,
    implementation: &str,
    value: f64,
    unit: &str,
    better: &str,
    n: usize,
    extra: &[(&str, f64)],
) -> String {
    let extra: String = extra
        .iter()
        .map(|(key, value)| format!(r#","{key}":{}"#, rounded(*value)))
        .collect();
    format!(
        r#"{{"suite":"{SUITE}","case":"{case}","impl":"{implementation}","value":{},"unit":"{unit}","better":"{better}","n":{n}{extra}}}"#,
        rounded(value)
    )
}

/// The lines of a `many_coroutines` run: how many were alive at once, and the resident
/// memory per coroutine as a row of its own (so the tables show it, not only the JSON).
pub fn many_coroutines_rows(report: &ManyReport) -> [String; 2] {
    let n = report.count;
    let stack_size = ("stackSize", report.stack_size as f64);
    let resumes = ("resumesEach", 2.0);
    [
        json_row(
            "coroutines-alive",
            "spindle",
            n as f64,
            "coroutines",
            "higher",
            n,
            &[
                stack_size,
                resumes,
                ("nsPerCoroutine", report.ns_per_coroutine),
            ],
        ),
        json_row(
            "coroutines-alive-rss",
            "spindle",
            report.bytes_per_coroutine,
            "bytes/coroutine",
            "lower",
            n,
            &[stack_size, resumes, ("rssBytes", report.rss_bytes as f64)],
        ),
    ]
}

fn rounded(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_has_the_fields_of_the_format_in_order() {
        assert_eq!(
            json_row(
                "round-trip",
                "corosensei",
                2.59012,
                "ns/op",
                "lower",
                7,
                &[]
            ),
            r#"{"suite":"core-context-native","case":"round-trip","impl":"corosensei","value":2.59,"unit":"ns/op","better":"lower","n":7}"#
        );
    }

    #[test]
    fn many_coroutines_report_rss_as_its_own_row() {
        let report = ManyReport {
            count: 1000,
            stack_size: 2048,
            rss_bytes: 2_100_000,
            bytes_per_coroutine: 2088.25,
            ns_per_coroutine: 1520.7,
        };
        let [count, rss] = many_coroutines_rows(&report);
        assert_eq!(
            count,
            r#"{"suite":"core-context-native","case":"coroutines-alive","impl":"spindle","value":1000,"unit":"coroutines","better":"higher","n":1000,"stackSize":2048,"resumesEach":2,"nsPerCoroutine":1520.7}"#
        );
        assert_eq!(
            rss,
            r#"{"suite":"core-context-native","case":"coroutines-alive-rss","impl":"spindle","value":2088.25,"unit":"bytes/coroutine","better":"lower","n":1000,"stackSize":2048,"resumesEach":2,"rssBytes":2100000}"#
        );
    }
}
