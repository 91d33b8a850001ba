//! Turning a coroutine stack overflow into a clear crash instead of silent corruption.
//!
//! Managed stacks register their guard pages here. A SIGSEGV/SIGBUS handler, running on an
//! alternate signal stack (the faulting stack has no room left), looks the fault address
//! up: inside a registered guard it prints "coroutine stack overflow" with the address and
//! aborts; anything else goes to the handler that was installed before ours (for instance
//! V8's WebAssembly trap handler or Rust's own stack-overflow report) or to the default
//! action.

use std::cell::UnsafeCell;
use std::collections::BTreeMap;
use std::mem::MaybeUninit;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
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
static PREVIOUS_SEGV: PreviousAction = PreviousAction::new();
static PREVIOUS_BUS: PreviousAction = PreviousAction::new();

/// The action installed for a signal before ours, for the faults that are not ours.
/// `on_fault` may read it at any time, so a slot is filled before `recorded` points to
/// it and never changes after. The second slot holds the handler another thread may have
/// installed between our reading the action and installing ours.
struct PreviousAction {
    slots: [UnsafeCell<MaybeUninit<libc::sigaction>>; 2],
    recorded: AtomicPtr<libc::sigaction>,
}

// SAFETY: slots are written once, before they are published through `recorded`.
unsafe impl Sync for PreviousAction {}

impl PreviousAction {
    const fn new() -> PreviousAction {
        PreviousAction {
            slots: [
                UnsafeCell::new(MaybeUninit::uninit()),
                UnsafeCell::new(MaybeUninit::uninit()),
            ],
            recorded: AtomicPtr::new(ptr::null_mut()),
        }
    }

    fn get(&self) -> Option<libc::sigaction> {
        // SAFETY: `recorded` is null or points to a filled slot that never changes.
        unsafe { self.recorded.load(Ordering::Acquire).as_ref().copied() }
    }

    /// Fills slot `slot` with `action` and publishes it.
    ///
    /// # Safety
    /// Each slot is filled at most once.
    unsafe fn record(&self, slot: usize, action: libc::sigaction) {
        let filled = (*self.slots[slot].get()).write(action);
        self.recorded.store(filled, Ordering::Release);
    }
}

/// The signature of `libc::sigaction`, so tests can watch the order of the calls.
type SigactionFn =
    unsafe extern "C" fn(libc::c_int, *const libc::sigaction, *mut libc::sigaction) -> libc::c_int;

fn install_handler() {
    INSTALL.call_once(|| {
        // SAFETY: a zeroed sigaction, then filled, is a valid action.
        let ours = unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_fault as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut action.sa_mask);
            action
        };
        // SAFETY: once per signal (`INSTALL`).
        unsafe {
            install_recording_first(libc::SIGSEGV, &ours, &PREVIOUS_SEGV, libc::sigaction);
            install_recording_first(libc::SIGBUS, &ours, &PREVIOUS_BUS, libc::sigaction);
        }
    });
}

/// Records the action installed for `signal` in `previous`, then installs `ours`. A fault
/// on another thread can reach `on_fault` as soon as `ours` is in place, so it must find
/// the handler it replaced already recorded (with nothing recorded it would fall back to
/// the default action and kill the process).
///
/// What is guaranteed: every fault that is not ours is forwarded to a handler that was
/// installed for `signal` at some point before ours, and, once this function returns, to
/// the very one ours replaced. What is not: `sigaction` cannot read and replace in one step
/// that we can record from, so if another thread installs a handler between our read and
/// our install, a fault in the instant between our install and the second `record` goes to
/// the handler read first (the older one), and only later faults to the one ours replaced.
/// Nothing can close that instant: the handler cannot learn the replaced action (asking
/// `sigaction` then answers with ours), and a synchronous fault cannot be blocked. Without
/// such a concurrent install the two are the same handler and there is no gap.
///
/// # Safety
/// Called at most once per `previous`.
unsafe fn install_recording_first(
    signal: libc::c_int,
    ours: &libc::sigaction,
    previous: &PreviousAction,
    sigaction: SigactionFn,
) {
    let mut current: libc::sigaction = std::mem::zeroed();
    if sigaction(signal, ptr::null(), &mut current) != 0 {
        return;
    }
    previous.record(0, current);
    let mut replaced: libc::sigaction = std::mem::zeroed();
    if sigaction(signal, ours, &mut replaced) == 0 && !same_handler(&current, &replaced) {
        previous.record(1, replaced);
    }
}

fn same_handler(a: &libc::sigaction, b: &libc::sigaction) -> bool {
    a.sa_sigaction == b.sa_sigaction && a.sa_flags == b.sa_flags
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
    let slot = if signal == libc::SIGSEGV {
        &PREVIOUS_SEGV
    } else {
        &PREVIOUS_BUS
    };
    forward(signal, info, context, slot.get());
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
    use std::sync::atomic::AtomicUsize;

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

    /// The handler address the fake `sigaction` below holds for its one signal.
    static FAKE_INSTALLED: AtomicUsize = AtomicUsize::new(0);
    /// The record the fake looks at when it is asked to install a handler.
    static WATCHED: AtomicPtr<PreviousAction> = AtomicPtr::new(ptr::null_mut());
    /// What the fake found recorded then (0 for nothing).
    static RECORDED_AT_INSTALL: AtomicUsize = AtomicUsize::new(0);
    /// A handler the fake pretends another thread installs just before ours, if not 0.
    static INSTALLED_MEANWHILE: AtomicUsize = AtomicUsize::new(0);

    unsafe extern "C" fn fake_sigaction(
        _signal: libc::c_int,
        new: *const libc::sigaction,
        old: *mut libc::sigaction,
    ) -> libc::c_int {
        if !new.is_null() {
            let watched = &*WATCHED.load(Ordering::SeqCst);
            let recorded = watched.get().map_or(0, |action| action.sa_sigaction);
            RECORDED_AT_INSTALL.store(recorded, Ordering::SeqCst);
            let meanwhile = INSTALLED_MEANWHILE.load(Ordering::SeqCst);
            if meanwhile != 0 {
                FAKE_INSTALLED.store(meanwhile, Ordering::SeqCst);
            }
        }
        if !old.is_null() {
            (*old).sa_sigaction = FAKE_INSTALLED.load(Ordering::SeqCst);
        }
        if !new.is_null() {
            FAKE_INSTALLED.store((*new).sa_sigaction, Ordering::SeqCst);
        }
        0
    }

    fn action(handler: usize) -> libc::sigaction {
        // SAFETY: a zeroed sigaction is valid.
        let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
        action.sa_sigaction = handler;
        action
    }

    fn install_watched(previous: &'static PreviousAction, ours: usize) {
        WATCHED.store(ptr::from_ref(previous).cast_mut(), Ordering::SeqCst);
        // SAFETY: each test record is used once.
        unsafe { install_recording_first(libc::SIGSEGV, &action(ours), previous, fake_sigaction) };
    }

    #[test]
    fn records_the_previous_handler_before_installing_ours() {
        static FIRST: PreviousAction = PreviousAction::new();
        static SECOND: PreviousAction = PreviousAction::new();
        let (v8, ours, other) = (0x1000, 0x2000, 0x3000);
        FAKE_INSTALLED.store(v8, Ordering::SeqCst);
        install_watched(&FIRST, ours);
        assert_eq!(
            RECORDED_AT_INSTALL.load(Ordering::SeqCst),
            v8,
            "a fault right after the install must find the previous handler"
        );
        assert_eq!(FAKE_INSTALLED.load(Ordering::SeqCst), ours);
        assert_eq!(FIRST.get().map(|a| a.sa_sigaction), Some(v8));

        // Another thread installs `other` between our read and our install: it is the
        // handler ours replaced, so it is the one recorded.
        FAKE_INSTALLED.store(v8, Ordering::SeqCst);
        INSTALLED_MEANWHILE.store(other, Ordering::SeqCst);
        install_watched(&SECOND, ours);
        assert_eq!(RECORDED_AT_INSTALL.load(Ordering::SeqCst), v8);
        assert_eq!(SECOND.get().map(|a| a.sa_sigaction), Some(other));
    }

    #[test]
    fn formats_addresses_in_hex() {
        let mut line = MessageBuffer::new();
        line.push_hex(0xdead_beef);
        assert_eq!(&line.bytes[..line.len], b"0x00000000deadbeef");
    }
}
