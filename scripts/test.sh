#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests (kernel tests need root).
set -euo pipefail
cd "$(dirname "$0")/.."
X0BPF_TEST_DEPS="gcc-bpf clang-16 bpftool iproute2 iputils-ping xdp-tools jq python3" scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo test -- --test-threads="${X0BPF_TEST_THREADS:-4}"
scripts/leakcheck.sh
