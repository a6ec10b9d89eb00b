#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests (kernel tests need root).
set -euo pipefail
cd "$(dirname "$0")/.."
X0BPF_TEST_DEPS="gcc-bpf clang-16 bpftool iproute2 iputils-ping xdp-tools jq python3" scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test -- --test-threads="${X0BPF_TEST_THREADS:-4}" 2>&1 | tee "$log"
scripts/leakcheck.sh
# One closing line for the whole suite, summed over every test binary.
awk '/^test result:/ { p += $4; f += $6 } END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
