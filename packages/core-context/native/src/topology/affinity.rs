//! Reading and setting the calling thread's CPU affinity.
//!
//! * Linux: `sched_setaffinity`/`sched_getaffinity` on the calling thread, with a mask
//!   sized to the largest CPU id (so ids beyond 1024 work); errors are the raw errno.
//! * Windows: `SetThreadAffinityMask` (CPU ids 0..63 of the current processor group);
//!   errors are Win32 error codes.
//! * Other systems (macOS has no affinity API): pinning fails with `ENOTSUP`, and the
//!   affinity reads as every CPU.

/// The calling thread's kernel thread id (Linux `gettid`; 0 where there is none).
pub fn thread_id() -> i64 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: gettid has no preconditions.
        unsafe { libc::syscall(libc::SYS_gettid) as i64 }
    }
    #[cfg(not(target_os = "linux"))]
    {
        0
    }
}

#[cfg(target_os = "linux")]
mod imp {
    /// Largest CPU id accepted, to bound the mask we allocate.
    pub const MAX_CPU_ID: usize = 1 << 20;

    const BITS: usize = libc::c_ulong::BITS as usize;

    pub fn pin_thread(cpus: &[usize]) -> Result<(), i32> {
        let Some(&highest) = cpus.iter().max() else {
            return Err(libc::EINVAL);
        };
        if highest >= MAX_CPU_ID {
            return Err(libc::EINVAL);
        }
        let mut mask = vec![0 as libc::c_ulong; highest / BITS + 1];
        for &cpu in cpus {
            mask[cpu / BITS] |= 1 << (cpu % BITS);
        }
        let bytes = mask.len() * std::mem::size_of::<libc::c_ulong>();
        // SAFETY: the mask is `bytes` long; pid 0 is the calling thread.
        let rc = unsafe { libc::syscall(libc::SYS_sched_setaffinity, 0, bytes, mask.as_ptr()) };
        if rc == 0 {
            Ok(())
        } else {
            Err(errno())
        }
    }

    pub fn current_affinity() -> Result<Vec<usize>, i32> {
        let mut words = 1024 / BITS;
        loop {
            let mut mask = vec![0 as libc::c_ulong; words];
            let bytes = words * std::mem::size_of::<libc::c_ulong>();
            // SAFETY: the mask is `bytes` long; pid 0 is the calling thread.
            let rc =
                unsafe { libc::syscall(libc::SYS_sched_getaffinity, 0, bytes, mask.as_mut_ptr()) };
            if rc >= 0 {
                return Ok((0..words * BITS)
                    .filter(|&cpu| mask[cpu / BITS] & (1 << (cpu % BITS)) != 0)
                    .collect());
            }
            let err = errno();
            // EINVAL: the kernel's mask is larger than ours.
            if err != libc::EINVAL || words * BITS >= MAX_CPU_ID {
                return Err(err);
            }
            words *= 2;
        }
    }

    fn errno() -> i32 {
        std::io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EINVAL)
    }
}

#[cfg(windows)]
mod imp {
    type Handle = isize;
    extern "system" {
        fn GetCurrentThread() -> Handle;
        fn SetThreadAffinityMask(thread: Handle, mask: usize) -> usize;
        fn GetProcessAffinityMask(
            process: Handle,
            process_mask: *mut usize,
            system_mask: *mut usize,
        ) -> i32;
        fn GetCurrentProcess() -> Handle;
        fn GetLastError() -> u32;
    }
    // Errors here are Win32 error codes (what `GetLastError` returns and what
    // `std::io::Error::from_raw_os_error` describes on Windows), not C errno values.
    const ERROR_INVALID_PARAMETER: i32 = 87;

    pub fn pin_thread(cpus: &[usize]) -> Result<(), i32> {
        if cpus.is_empty() || cpus.iter().any(|&cpu| cpu >= usize::BITS as usize) {
            return Err(ERROR_INVALID_PARAMETER);
        }
        let mask = cpus.iter().fold(0usize, |mask, &cpu| mask | (1 << cpu));
        // SAFETY: plain Win32 calls on the current thread.
        if unsafe { SetThreadAffinityMask(GetCurrentThread(), mask) } == 0 {
            return Err(unsafe { GetLastError() } as i32);
        }
        Ok(())
    }

    pub fn current_affinity() -> Result<Vec<usize>, i32> {
        let (mut process, mut system) = (0usize, 0usize);
        // SAFETY: Win32 has no "get thread affinity": set the process mask, read the
        // previous thread mask from the return value, and put it back.
        unsafe {
            if GetProcessAffinityMask(GetCurrentProcess(), &mut process, &mut system) == 0 {
                return Err(GetLastError() as i32);
            }
            let previous = SetThreadAffinityMask(GetCurrentThread(), process);
            if previous == 0 {
                return Err(GetLastError() as i32);
            }
            SetThreadAffinityMask(GetCurrentThread(), previous);
            Ok((0..usize::BITS as usize)
                .filter(|&cpu| previous & (1 << cpu) != 0)
                .collect())
        }
    }
}

#[cfg(not(any(target_os = "linux", windows)))]
mod imp {
    pub fn pin_thread(_cpus: &[usize]) -> Result<(), i32> {
        Err(libc::ENOTSUP)
    }

    pub fn current_affinity() -> Result<Vec<usize>, i32> {
        let count = std::thread::available_parallelism().map_or(1, |n| n.get());
        Ok((0..count).collect())
    }
}

/// Pins the calling thread to `cpus`. Errors carry the OS error number (`EINVAL` for an
/// empty set, or for ids that name no usable CPU).
pub fn pin_thread(cpus: &[usize]) -> Result<(), i32> {
    imp::pin_thread(cpus)
}

/// The CPU ids the calling thread may run on, in increasing order.
pub fn current_affinity() -> Result<Vec<usize>, i32> {
    imp::current_affinity()
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::imp::MAX_CPU_ID;
    use super::*;

    #[test]
    fn pins_to_one_cpu_and_restores() {
        let original = current_affinity().unwrap();
        assert!(!original.is_empty());
        let target = *original.last().unwrap();
        pin_thread(&[target]).unwrap();
        assert_eq!(current_affinity().unwrap(), vec![target]);
        pin_thread(&original).unwrap();
        assert_eq!(current_affinity().unwrap(), original);
    }

    #[test]
    fn rejects_cpus_that_do_not_exist() {
        assert_eq!(pin_thread(&[100_000]), Err(libc::EINVAL));
        assert_eq!(pin_thread(&[]), Err(libc::EINVAL));
        assert_eq!(pin_thread(&[MAX_CPU_ID]), Err(libc::EINVAL));
    }

    #[test]
    fn reads_a_thread_id_matching_proc() {
        let tid = thread_id();
        assert!(std::path::Path::new(&format!("/proc/self/task/{tid}/status")).exists());
    }
}
