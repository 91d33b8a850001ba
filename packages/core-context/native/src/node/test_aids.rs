//! The addon's test aids (`test-aids` feature), built by scripts/build-native-test-aids.mjs
//! for test/native.test.ts and never by scripts/build-native.mjs, so the published addon
//! exports the API only.

use napi_derive::napi;

/// Overflows a coroutine's guarded stack, which kills the calling process (SIGABRT) with
/// the "coroutine stack overflow" message: the test checks, in a child node process, that
/// the overflow handler works next to V8's own signal handlers.
#[napi]
pub fn test_only_overflow_coroutine_stack() {
    crate::test_aids::overflow_coroutine_stack(crate::stack::page_size())
}
