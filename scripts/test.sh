#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests on this kernel (kernel
# tests need root), a leak check, then smoke tests on Debian's 5.10, 6.1 and 6.12 kernels under QEMU.
set -euo pipefail
cd "$(dirname "$0")/.."
X0BPF_TEST_DEPS="gcc-bpf clang-16 bpftool iproute2 iputils-ping xdp-tools jq python3 strace util-linux man-db groff-base prometheus curl" scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test -- --test-threads="${X0BPF_TEST_THREADS:-4}" 2>&1 | tee "$log"
scripts/leakcheck.sh
# README command 1 then command 2 on a fresh machine: the demo must leave nothing the leak
# check counts (it builds the release binary; PREFIX keeps this run's install out of /usr/local).
demo_prefix=$(mktemp -d)
PREFIX=$demo_prefix scripts/demo.sh >/dev/null
scripts/leakcheck.sh
# and it installed the man pages, warning-free, and the completions.
for page in "$demo_prefix"/share/man/man1/*.1; do
  w=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
  [ -z "$w" ] || { echo "man page $page: $w" >&2; exit 1; }
done
[ -s "$demo_prefix/share/bash-completion/completions/x0bpf" ]
rm -rf "$demo_prefix"
echo "test result: ok. 1 passed; 0 failed (demo, then leak check)" | tee -a "$log"
# The pure parsers under libFuzzer, ten seconds each (a regression check; the long run is in
# docs/SECURITY.md). Installs nightly and cargo-fuzz when missing.
scripts/fuzz.sh "${X0BPF_FUZZ_SECONDS:-10}" 2>&1 | tee -a "$log" | grep -E '^fuzz: [a-z_]+: '
# Other kernels, each GLOB[:SUITE] (scripts/kernel-matrix.sh): Debian 11's 5.10 (suite bullseye),
# Debian 12's 6.1 and 6.12. X0BPF_KERNELS="" skips them (e.g. on a machine without QEMU packages);
# X0BPF_KMATRIX_LOG=FILE keeps their output for scripts/kernel-table.sh.
for k in ${X0BPF_KERNELS-5.10.0-+([0-9])-amd64:bullseye 6.1.0-+([0-9])-amd64 6.12.+([0-9])+deb12-amd64}; do
  suite=""
  [[ $k == *:* ]] && suite=${k#*:}
  scripts/kernel-matrix.sh "${k%%:*}" ${suite:+"$suite"} 2>&1 \
    | tee -a "$log" ${X0BPF_KMATRIX_LOG:+"$X0BPF_KMATRIX_LOG"} \
    | grep -E '^(KMATRIX (PASS|FAIL)|kernel-matrix:)'
done
# One closing line for the whole suite: every cargo test binary plus every kernel check.
awk '/^test result:/ { p += $4; f += $6 }
     /^KMATRIX PASS / { p++ } /^KMATRIX FAIL / { f++ }
     /^fuzz: [a-z_]+: .*: ok$/ { p++ } /^fuzz: [a-z_]+: .*: [^o]/ { f++ }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
