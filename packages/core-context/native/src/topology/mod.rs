//! Thread pinning and CPU topology: the calling thread's CPU set and how many threads can
//! usefully run in parallel (affinity mask and cgroup CPU quota).

mod affinity;
mod cgroup;

pub use affinity::{current_affinity, pin_thread, thread_id};
pub use cgroup::{cgroup_cpu_limit, parse_cpu_max, parse_v1_quota};

/// How many threads this process can usefully run at once: the CPUs the calling thread
/// may use, further limited by a cgroup CPU quota (rounded up), and at least 1.
pub fn usable_parallelism() -> usize {
    let cpus = match current_affinity() {
        Ok(cpus) if !cpus.is_empty() => cpus.len(),
        _ => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let quota = cgroup_cpu_limit().map_or(usize::MAX, |limit| (limit.ceil() as usize).max(1));
    cpus.min(quota).max(1)
}
