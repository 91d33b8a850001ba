#!/usr/bin/env bash
# Assembles the aarch64 context switch (packages/core-context/native/src/arch/aarch64.s,
# the file the Rust crate includes) with Debian's cross compiler into a small C harness
# and runs it under qemu-aarch64 user-mode emulation: callee-saved registers preserved on
# both sides, and thousands of switches checked by a checksum. Installs the cross compiler
# and qemu with apt-get when they are missing. Exits non-zero on failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
native="$root/packages/core-context/native"

missing=()
command -v aarch64-linux-gnu-gcc >/dev/null || missing+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
command -v qemu-aarch64 >/dev/null || command -v qemu-aarch64-static >/dev/null || missing+=(qemu-user)
if ((${#missing[@]})); then
  echo "aarch64-test: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
qemu="$(command -v qemu-aarch64 || command -v qemu-aarch64-static)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
aarch64-linux-gnu-gcc -O2 -static -Wall -Wextra -Werror \
  -o "$work/switch-test" "$native/tests/aarch64/harness.c" "$native/src/arch/aarch64.s"
"$qemu" "$work/switch-test"

# The whole Rust suite of the crate, cross-compiled, when rustup can provide the aarch64
# standard library (it needs to download it once).
if command -v rustup >/dev/null && rustup target add aarch64-unknown-linux-gnu >/dev/null 2>&1; then
  runner="$qemu -L /usr/aarch64-linux-gnu"
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="$runner" \
    SPINDLE_TEST_RUNNER="$runner" \
    cargo test --release --quiet --manifest-path "$root/Cargo.toml" \
    -p spindle-core-context-native --target aarch64-unknown-linux-gnu
  echo "aarch64 Rust suite: PASS (cargo test under qemu-aarch64)"
else
  echo "aarch64 Rust suite: not run (rustup cannot install the aarch64-unknown-linux-gnu target here)"
fi
