//! Turning a coroutine stack overflow into a clear crash instead of silent corruption.
//!
//! Managed stacks register their guard pages here. A SIGSEGV/SIGBUS handler, running on an
//! alternate signal stack (the faulting stack has no room left), looks the fault address
//! up: inside a registered guard it prints "coroutine stack overflow" with the address and
//! aborts; anything else goes to the handler that was installed before ours (for instance
//! V8's WebAssembly trap handler or Rust's own stack-overflow report) or to the default
//! action.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

/// Guard ranges (start -> end) of live managed stacks, behind a spin lock so the signal
/// handler can read it without blocking forever.
struct GuardRegistry {
    locked: AtomicBool,
    ranges: std::cell::UnsafeCell<BTreeMap<usize, usize>>,
}

// SAFETY: `ranges` is only touched while `locked` is held.
unsafe impl Sync for GuardRegistry {}

static REGISTRY: GuardRegistry = GuardRegistry {
    locked: AtomicBool::new(false),
    ranges: std::cell::UnsafeCell::new(BTreeMap::new()),
};

impl GuardRegistry {
    /// Runs `f` under the lock, spinning at most `max_spins` times; None if never acquired.
    fn with<T>(
        &self,
        max_spins: usize,
        f: impl FnOnce(&mut BTreeMap<usize, usize>) -> T,
    ) -> Option<T> {
        let mut spins = 0;
        while self
            .locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            spins += 1;
            if spins >= max_spins {
                return None;
            }
            std::hint::spin_loop();
        }
        // SAFETY: the lock is held.
        let result = f(unsafe { &mut *self.ranges.get() });
        self.locked.store(false, Ordering::Release);
        Some(result)
    }
}

/// Records a guard region and makes sure the fault handler is installed.
pub(crate) fn register_guard(start: usize, end: usize) {
    install_handler();
    REGISTRY.with(usize::MAX, |ranges| ranges.insert(start, end));
}

pub(crate) fn unregister_guard(start: usize) {
    REGISTRY.with(usize::MAX, |ranges| ranges.remove(&start));
}

/// The guard region containing `addr`, if any. Gives up (None) if the registry stays
/// locked, which only happens if the faulting thread itself was updating it.
fn guard_containing(addr: usize) -> Option<(usize, usize)> {
    REGISTRY
        .with(1 << 24, |ranges| {
            ranges
                .range(..=addr)
                .next_back()
                .map(|(&s, &e)| (s, e))
                .filter(|&(_, e)| addr < e)
        })
        .flatten()
}

static INSTALL: Once = Once::new();
static mut PREVIOUS_SEGV: Option<libc::sigaction> = None;
static mut PREVIOUS_BUS: Option<libc::sigaction> = None;

fn install_handler() {
    INSTALL.call_once(|| {
        // SAFETY: installing a handler with a zeroed, then filled, sigaction.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_fault as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut action.sa_mask);
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(libc::SIGSEGV, &action, &mut old) == 0 {
                PREVIOUS_SEGV = Some(old);
            }
            if libc::sigaction(libc::SIGBUS, &action, &mut old) == 0 {
                PREVIOUS_BUS = Some(old);
            }
        }
    });
}

extern "C" fn on_fault(
    signal: libc::c_int,
    info: *mut libc::siginfo_t,
    context: *mut libc::c_void,
) {
    // SAFETY: the kernel passes a valid siginfo for SA_SIGINFO handlers.
    let addr = unsafe { (*info).si_addr() } as usize;
    if let Some((start, end)) = guard_containing(addr) {
        report_overflow(addr, start, end);
        // SAFETY: abort is async-signal-safe.
        unsafe { libc::abort() };
    }
    // SAFETY: the previous actions were stored before this handler could run.
    let previous = unsafe {
        if signal == libc::SIGSEGV {
            std::ptr::addr_of!(PREVIOUS_SEGV).read()
        } else {
            std::ptr::addr_of!(PREVIOUS_BUS).read()
        }
    };
    forward(signal, info, context, previous);
}

/// Hands a fault that is not ours to whoever handled it before, or restores the default
/// action and returns so that the faulting instruction runs again and ends the process.
fn forward(
    signal: libc::c_int,
    info: *mut libc::siginfo_t,
    context: *mut libc::c_void,
    previous: Option<libc::sigaction>,
) {
    // SAFETY: calling or reinstating the handler that was installed before ours.
    unsafe {
        match previous {
            Some(prev)
                if prev.sa_sigaction != libc::SIG_DFL && prev.sa_sigaction != libc::SIG_IGN =>
            {
                if prev.sa_flags & libc::SA_SIGINFO != 0 {
                    let handler: extern "C" fn(
                        libc::c_int,
                        *mut libc::siginfo_t,
                        *mut libc::c_void,
                    ) = std::mem::transmute(prev.sa_sigaction);
                    handler(signal, info, context);
                } else {
                    let handler: extern "C" fn(libc::c_int) =
                        std::mem::transmute(prev.sa_sigaction);
                    handler(signal);
                }
            }
            _ => {
                let mut default: libc::sigaction = std::mem::zeroed();
                default.sa_sigaction = libc::SIG_DFL;
                libc::sigaction(signal, &default, std::ptr::null_mut());
            }
        }
    }
}

/// Writes the overflow message with no allocation (we are in a signal handler).
fn report_overflow(addr: usize, start: usize, end: usize) {
    let mut line = MessageBuffer::new();
    line.push(b"coroutine stack overflow: fault at ");
    line.push_hex(addr);
    line.push(b" in the guard page ");
    line.push_hex(start);
    line.push(b"..");
    line.push_hex(end);
    line.push(b" of a coroutine stack; give the coroutine a larger stack\n");
    // SAFETY: write is async-signal-safe; the buffer is valid.
    unsafe { libc::write(2, line.bytes.as_ptr().cast(), line.len) };
}

struct MessageBuffer {
    bytes: [u8; 256],
    len: usize,
}

impl MessageBuffer {
    fn new() -> MessageBuffer {
        MessageBuffer {
            bytes: [0; 256],
            len: 0,
        }
    }

    fn push(&mut self, text: &[u8]) {
        let n = text.len().min(self.bytes.len() - self.len);
        self.bytes[self.len..self.len + n].copy_from_slice(&text[..n]);
        self.len += n;
    }

    fn push_hex(&mut self, value: usize) {
        let mut digits = [0u8; 18];
        digits[0] = b'0';
        digits[1] = b'x';
        for (i, digit) in digits[2..].iter_mut().enumerate() {
            let nibble = (value >> ((15 - i) * 4)) & 0xF;
            *digit = b"0123456789abcdef"[nibble];
        }
        self.push(&digits);
    }
}

/// Gives the calling thread an alternate signal stack if it has none, so the fault
/// handler can run when a coroutine stack is exhausted. Called when a coroutine on a
/// guarded stack is created; coroutines are not `Send`, so that is the thread that runs it.
pub(crate) fn prepare_current_thread() {
    ALT_STACK.with(|_| {});
}

thread_local! {
    static ALT_STACK: AltStack = AltStack::install();
}

/// An alternate signal stack this module installed (None when the thread had one).
struct AltStack {
    mapping: Option<crate::stack::Mapping>,
}

impl AltStack {
    const SIZE: usize = 64 * 1024;

    fn install() -> AltStack {
        // SAFETY: querying and setting this thread's alternate signal stack.
        unsafe {
            let mut current: libc::stack_t = std::mem::zeroed();
            if libc::sigaltstack(std::ptr::null(), &mut current) == 0
                && current.ss_flags & libc::SS_DISABLE == 0
            {
                return AltStack { mapping: None };
            }
            let Ok(mapping) = crate::stack::Mapping::new(Self::SIZE) else {
                return AltStack { mapping: None };
            };
            let stack = libc::stack_t {
                ss_sp: mapping.base().cast(),
                ss_flags: 0,
                ss_size: mapping.len(),
            };
            if libc::sigaltstack(&stack, std::ptr::null_mut()) != 0 {
                return AltStack { mapping: None };
            }
            AltStack {
                mapping: Some(mapping),
            }
        }
    }
}

impl Drop for AltStack {
    fn drop(&mut self) {
        if self.mapping.is_some() {
            // SAFETY: disabling our own alternate stack before its memory is unmapped.
            unsafe {
                let disable = libc::stack_t {
                    ss_sp: std::ptr::null_mut(),
                    ss_flags: libc::SS_DISABLE,
                    ss_size: 0,
                };
                libc::sigaltstack(&disable, std::ptr::null_mut());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_registered_guards_only() {
        register_guard(0x1000, 0x3000);
        assert_eq!(guard_containing(0x1000), Some((0x1000, 0x3000)));
        assert_eq!(guard_containing(0x2fff), Some((0x1000, 0x3000)));
        assert_eq!(guard_containing(0x3000), None);
        assert_eq!(guard_containing(0xfff), None);
        unregister_guard(0x1000);
        assert_eq!(guard_containing(0x1000), None);
    }

    #[test]
    fn formats_addresses_in_hex() {
        let mut line = MessageBuffer::new();
        line.push_hex(0xdead_beef);
        assert_eq!(&line.bytes[..line.len], b"0x00000000deadbeef");
    }
}
