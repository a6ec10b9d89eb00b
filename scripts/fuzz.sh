#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ (the pure parsers: ELF, BTF, BTF.ext, CO-RE resolution,
# verifier-log analysis, netlink replies), each for SECONDS, one after another.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      (default: 10 s, every target)
#
# Each target starts from its committed seeds (fuzz/seeds/<target>/ and the past crash inputs in
# fuzz/regressions/<target>/, both read-only) plus a working corpus outside the repository. One summary line per target; exit status 1 if any target
# crashed, panicked, timed out or ran out of memory, with the input that did it.
#
# Environment:
#   X0BPF_FUZZ_RUNS=N        also stop a target after N executions (the long run uses 10000000)
#   X0BPF_FUZZ_DIR=DIR       keep corpora and crash inputs in DIR (default: a temporary
#                            directory, removed afterwards unless something crashed)
#   X0BPF_FUZZ_SANITIZER=S   cargo fuzz --sanitizer (default: none; the targets are safe Rust
#                            whose failures are panics, which libFuzzer catches without ASan,
#                            and without it they run about twice as fast)
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-10}
[ $# -gt 0 ] && shift
case $secs in '' | *[!0-9]*)
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
  exit 2
  ;;
esac
sanitizer=${X0BPF_FUZZ_SANITIZER:-none}

if ! cargo +nightly --version >/dev/null 2>&1; then
  command -v rustup >/dev/null || { echo "fuzz: needs a nightly Rust toolchain (rustup)" >&2; exit 1; }
  rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked
fi

all=$(cargo +nightly fuzz list)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets <<<"$all"
for t in "${targets[@]}"; do
  grep -qx -- "$t" <<<"$all" || { echo "fuzz: no target '$t' (targets: $(echo $all))" >&2; exit 2; }
done

# Build every target once (release with debug assertions, so arithmetic overflow panics).
cargo +nightly fuzz build --sanitizer "$sanitizer"

if [ -n "${X0BPF_FUZZ_DIR:-}" ]; then
  work=$X0BPF_FUZZ_DIR
  keep=1
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/x0bpf-fuzz.XXXXXX")
  keep=0
fi
mkdir -p "$work"
cleanup() { [ "$keep" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT

failed=()
for t in "${targets[@]}"; do
  corpus=$work/corpus/$t
  artifacts=$work/artifacts/$t/
  log=$work/$t.log
  mkdir -p "$corpus" "$artifacts"
  args=(-max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048
    -artifact_prefix="$artifacts")
  [ -n "${X0BPF_FUZZ_RUNS:-}" ] && args+=(-runs="$X0BPF_FUZZ_RUNS")
  start=$(date +%s)
  rc=0
  # Inputs that once crashed a target (fuzz/regressions/<target>/) run first, as seeds.
  seeds=("fuzz/seeds/$t")
  [ -d "fuzz/regressions/$t" ] && seeds+=("fuzz/regressions/$t")
  cargo +nightly fuzz run --sanitizer "$sanitizer" "$t" "$corpus" "${seeds[@]}" -- "${args[@]}" \
    >"$log" 2>&1 || rc=$?
  took=$(($(date +%s) - start))
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
  execs=$(stat number_of_executed_units)
  # A crash skips the final stats: fall back to the last status line ("#1234 pulse ...").
  [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  rate=$(stat average_exec_per_sec)
  rss=$(stat peak_rss_mb)
  units=$(find "$corpus" -type f | wc -l)
  if [ "$rc" = 0 ]; then
    verdict=ok
  else
    verdict="FAILED (exit $rc)"
    failed+=("$t")
    keep=1
  fi
  echo "fuzz: $t: ${execs:-?} executions in ${took} s (${rate:-?}/s), corpus ${units} inputs, peak RSS ${rss:-?} MB: $verdict"
  if [ "$rc" != 0 ]; then
    grep -E 'panicked at|ERROR: libFuzzer|SUMMARY|deadly signal|timeout|out-of-memory' "$log" | head -5 | sed 's/^/fuzz:   /' >&2
    for f in $(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log"); do
      echo "fuzz:   crash input: $f ($(wc -c <"$f") bytes); reproduce: cargo +nightly fuzz run --sanitizer $sanitizer $t $f" >&2
    done
    echo "fuzz:   full log: $log" >&2
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs and logs kept in $work)" >&2
  exit 1
fi
