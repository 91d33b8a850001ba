fn main() {
    // `native_coroutines`: the assembly context switch, stacks and coroutines need Linux
    // (mmap, the SIGSEGV overflow handler) on x86_64 or aarch64. One name for that
    // condition, so every gated item says the same thing.
    println!("cargo::rustc-check-cfg=cfg(native_coroutines)");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    if os == "linux" && (arch == "x86_64" || arch == "aarch64") {
        println!("cargo::rustc-cfg=native_coroutines");
    }

    // `spindle_asan`: built with AddressSanitizer (`-Zsanitizer=address`, however it is
    // spelled in RUSTFLAGS; scripts/native-memcheck.mjs does it); the coroutine switches
    // then tell it about the stacks they move between. Cargo passes the compiler's own
    // `sanitize` cfg values, so this reads the outcome, not the flags.
    println!("cargo::rustc-check-cfg=cfg(spindle_asan)");
    let sanitizers = std::env::var("CARGO_CFG_SANITIZE").unwrap_or_default();
    if sanitizers
        .split(',')
        .any(|sanitizer| sanitizer == "address")
    {
        println!("cargo::rustc-cfg=spindle_asan");
    }

    // Only the Node.js addon needs napi's link arguments (undefined N-API symbols are
    // resolved by the node process that loads the .node file).
    if std::env::var_os("CARGO_FEATURE_NODE").is_some() {
        napi_build::setup();
    }
}
