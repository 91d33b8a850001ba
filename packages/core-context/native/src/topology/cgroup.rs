//! The CPU quota of the process's cgroup, as a number of CPUs (quota / period).
//!
//! cgroup v2: `cpu.max` ("max 100000" or "50000 100000") of the process's cgroup and of
//! every ancestor; the smallest limit wins. cgroup v1: `cpu.cfs_quota_us` (-1 for none)
//! over `cpu.cfs_period_us` in the `cpu` controller's hierarchy, likewise up to its root.

use std::fs;
use std::path::{Path, PathBuf};

/// The CPU limit of this process's cgroup, or None when there is none (or no cgroups).
pub fn cgroup_cpu_limit() -> Option<f64> {
    let membership = fs::read_to_string("/proc/self/cgroup").ok()?;
    limit_from(Path::new("/sys/fs/cgroup"), &membership)
}

/// The limit under the cgroup filesystem at `root` for the `/proc/self/cgroup` text
/// `membership`: v2 first, then v1.
pub(crate) fn limit_from(root: &Path, membership: &str) -> Option<f64> {
    let mut v2 = None;
    let mut v1 = None;
    for line in membership.lines() {
        let mut fields = line.splitn(3, ':');
        let (Some(id), Some(controllers), Some(path)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if id == "0" && controllers.is_empty() {
            v2 = smallest_limit(root, path, |dir| {
                parse_cpu_max(&fs::read_to_string(dir.join("cpu.max")).ok()?)
            });
        } else if controllers.split(',').any(|c| c == "cpu") {
            let mount = ["cpu,cpuacct", "cpuacct,cpu", "cpu"]
                .iter()
                .map(|m| root.join(m))
                .find(|m| m.is_dir());
            if let Some(mount) = mount {
                v1 = smallest_limit(&mount, path, |dir| {
                    let quota = fs::read_to_string(dir.join("cpu.cfs_quota_us")).ok()?;
                    let period = fs::read_to_string(dir.join("cpu.cfs_period_us")).ok()?;
                    parse_v1_quota(&quota, &period)
                });
            }
        }
    }
    v2.or(v1)
}

/// The smallest limit `read` finds in `root/path` and its ancestors up to `root`.
fn smallest_limit(root: &Path, path: &str, read: impl Fn(&Path) -> Option<f64>) -> Option<f64> {
    let mut dir: PathBuf = root.join(path.trim_start_matches('/'));
    let mut best: Option<f64> = None;
    loop {
        if let Some(limit) = read(&dir) {
            best = Some(best.map_or(limit, |b| b.min(limit)));
        }
        if dir == root || !dir.pop() || !dir.starts_with(root) {
            return best;
        }
    }
}

/// Parses a cgroup v2 `cpu.max` ("max 100000" -> None, "150000 100000" -> 1.5).
pub fn parse_cpu_max(text: &str) -> Option<f64> {
    let mut parts = text.split_whitespace();
    let quota = parts.next()?;
    let period: f64 = parts.next().map_or(Some(100_000.0), |p| p.parse().ok())?;
    if quota == "max" || period <= 0.0 {
        return None;
    }
    let quota: f64 = quota.parse().ok()?;
    (quota > 0.0).then(|| quota / period)
}

/// Parses cgroup v1 `cpu.cfs_quota_us` and `cpu.cfs_period_us` ("-1" quota -> None).
pub fn parse_v1_quota(quota: &str, period: &str) -> Option<f64> {
    let quota: f64 = quota.trim().parse().ok()?;
    let period: f64 = period.trim().parse().ok()?;
    (quota > 0.0 && period > 0.0).then(|| quota / period)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let root =
            std::env::temp_dir().join(format!("spindle-cgroup-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        for (path, text) in files {
            let file = root.join(path);
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            fs::write(file, text).unwrap();
        }
        root
    }

    #[test]
    fn parses_cpu_max() {
        assert_eq!(parse_cpu_max("max 100000\n"), None);
        assert_eq!(parse_cpu_max("150000 100000\n"), Some(1.5));
        assert_eq!(parse_cpu_max("50000"), Some(0.5));
        assert_eq!(parse_cpu_max("garbage"), None);
    }

    #[test]
    fn parses_v1_quota() {
        assert_eq!(parse_v1_quota("-1\n", "100000\n"), None);
        assert_eq!(parse_v1_quota("200000\n", "100000\n"), Some(2.0));
    }

    #[test]
    fn v2_takes_the_smallest_limit_up_the_tree() {
        let root = fixture(
            "v2",
            &[
                ("cpu.max", "max 100000"),
                ("app/cpu.max", "250000 100000"),
                ("app/worker/cpu.max", "max 100000"),
            ],
        );
        assert_eq!(limit_from(&root, "0::/app/worker\n"), Some(2.5));
        assert_eq!(limit_from(&root, "0::/\n"), None);
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn v1_reads_the_cpu_controller() {
        let root = fixture(
            "v1",
            &[
                ("cpu,cpuacct/cpu.cfs_quota_us", "-1"),
                ("cpu,cpuacct/cpu.cfs_period_us", "100000"),
                ("cpu,cpuacct/job/cpu.cfs_quota_us", "50000"),
                ("cpu,cpuacct/job/cpu.cfs_period_us", "100000"),
            ],
        );
        let membership = "4:memory:/job\n2:cpu,cpuacct:/job\n1:name=systemd:/\n";
        assert_eq!(limit_from(&root, membership), Some(0.5));
        assert_eq!(limit_from(&root, "2:cpu,cpuacct:/\n"), None);
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn usable_parallelism_respects_the_affinity_mask() {
        let usable = crate::topology::usable_parallelism();
        assert!(usable >= 1);
        if let Ok(cpus) = crate::topology::current_affinity() {
            assert!(usable <= cpus.len());
        }
    }
}
