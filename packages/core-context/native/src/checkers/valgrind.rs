//! valgrind client requests (the "special instruction sequence" of valgrind.h): a
//! sequence of rotations by a total of 128 bits (so the register is unchanged) followed
//! by a no-op exchange or `orr`. Natively it does nothing and the default value comes
//! back; under valgrind it is the request whose arguments the given block holds.

const STACK_REGISTER: usize = 0x1501;
const STACK_DEREGISTER: usize = 0x1502;

/// Runs client request `args[0]` with arguments `args[1..]`; returns its answer, or
/// `default` when not running under valgrind.
#[cfg(target_arch = "x86_64")]
fn client_request(default: usize, args: &[usize; 6]) -> usize {
    let answer;
    // SAFETY: rotates rdi by 128 bits (no change) and exchanges rbx with itself; valgrind
    // reads the argument block, which lives across the call. `rol` sets CF and leaves OF
    // undefined, so the flags are clobbered (no `preserves_flags`, as valgrind.h's "cc").
    unsafe {
        core::arch::asm!(
            "rol rdi, 3",
            "rol rdi, 13",
            "rol rdi, 61",
            "rol rdi, 51",
            "xchg rbx, rbx",
            in("rax") args.as_ptr(),
            inout("rdx") default => answer,
            inout("rdi") 0usize => _,
            options(nostack),
        );
    }
    answer
}

#[cfg(target_arch = "aarch64")]
fn client_request(default: usize, args: &[usize; 6]) -> usize {
    let answer;
    // SAFETY: rotates x12 by 128 bits (no change) and ors x10 with itself; valgrind reads
    // the argument block, which lives across the call. `ror` (an alias of `extr`) and
    // `orr` never write NZCV, so the flags are preserved.
    unsafe {
        core::arch::asm!(
            "ror x12, x12, #3",
            "ror x12, x12, #13",
            "ror x12, x12, #51",
            "ror x12, x12, #61",
            "orr x10, x10, x10",
            in("x4") args.as_ptr(),
            inout("x3") default => answer,
            inout("x12") 0usize => _,
            options(nostack, preserves_flags),
        );
    }
    answer
}

/// A stack valgrind knows about from creation to drop: it then takes a jump of the stack
/// pointer into it for a switch of stacks, not for a huge frame.
pub(crate) struct RegisteredStack {
    id: usize,
}

impl RegisteredStack {
    /// Registers the stack `limit..top` (lowest usable byte to one past the highest).
    pub(crate) fn new(limit: *mut u8, top: *mut u8) -> RegisteredStack {
        let id = client_request(
            0,
            &[STACK_REGISTER, limit as usize, top as usize - 1, 0, 0, 0],
        );
        RegisteredStack { id }
    }
}

impl Drop for RegisteredStack {
    fn drop(&mut self) {
        client_request(0, &[STACK_DEREGISTER, self.id, 0, 0, 0, 0]);
    }
}
