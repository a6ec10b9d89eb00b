#!/usr/bin/env bash
# Per-packet cost of the embedded packet programs against an empty program of the same type
# (BPF_PROG_TEST_RUN, benches/c/test_run.c, same frame, same repeat count), and the cost
# per syscall that syscall_latency adds (the `x0bpf syscalls` view) against libbpf-tools'
# `syscount -L`, on the same getppid loop. Root; needs clang, gcc, bpftool, syscount
# (apt-get install libbpf-tools). Results: docs/PERFORMANCE.md.
#   X0BPF=path/to/x0bpf scripts/bench-programs.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
X=${X0BPF:-${CARGO_TARGET_DIR:-target}/debug/x0bpf}
ROUNDS=${1:-5}
REPEAT=${REPEAT:-2000000}
CALLS=${CALLS:-3000000}
T=$(mktemp -d)
FS=$T/bpffs
mkdir "$FS"
mount -t bpf bpf "$FS"
cleanup() { umount -l "$FS" 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT

cat > "$T/empty.c" <<'C'
#define SEC(n) __attribute__((section(n), used))
SEC("xdp") int empty_xdp(void *ctx) { return 2; }
SEC("tc") int empty_tc(void *ctx) { return 0; }
char LICENSE[] SEC("license") = "GPL";
C
clang -O2 -g -target bpf -c "$T/empty.c" -o "$T/empty.o"
"$X" --bpffs "$FS" load "$T/empty.o" --name empty >/dev/null
"$X" --bpffs "$FS" load xdp_counter >/dev/null
"$X" --bpffs "$FS" load tc_classifier >/dev/null
"$X" --bpffs "$FS" load xdp_guard >/dev/null   # nothing blocked: the pass path

# A 64-byte IPv4/UDP frame.
python3 - "$T/frame" <<'PY'
import struct, sys
eth = b'\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00'
udp = struct.pack('!HHHH', 1000, 2000, 8 + 22, 0) + b'x' * 22
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, bytes([10,0,0,1]), bytes([10,0,0,2]))
open(sys.argv[1], 'wb').write(eth + ip + udp)
PY

gcc -O2 -o "$T/test_run" benches/c/test_run.c
run() {  # pinned program -> the kernel's average ns per run (whole ns, as bpftool shows it)
  "$T/test_run" "$FS/x0bpf/$1" "$T/frame" "$REPEAT" | awk '{print $2}'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for pair in "xdp empty/progs/empty_xdp xdp_counter/progs/xdp_count" \
            "xdp empty/progs/empty_xdp xdp_guard/progs/xdp_guard" \
            "tc empty/progs/empty_tc tc_classifier/progs/tc_classify"; do
  set -- $pair
  : > "$T/base"; : > "$T/prog"; : > "$T/ratio"
  for _ in $(seq "$ROUNDS"); do
    b=$(run "$2"); p=$(run "$3")
    echo "$b" >> "$T/base"; echo "$p" >> "$T/prog"
    awk -v p="$p" -v b="$b" 'BEGIN {printf "%.2f\n", p/b}' >> "$T/ratio"
  done
  echo "$1: empty $(median < "$T/base") ns, $(basename "$3") $(median < "$T/prog") ns, median ratio $(median < "$T/ratio") (rounds: $(tr '\n' ' ' < "$T/ratio"))"
done

# The getppid loop: CALLS calls, then prints ns per call. Waits 3 s first so a tracer started
# with it is attached before the timed loop.
cat > "$T/loop.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(int argc, char **argv) {
  long n = atol(argv[1]);
  struct timespec a, b;
  usleep(3000000);
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) syscall(SYS_getppid);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
  return 0;
}
C
gcc -O2 -o "$T/loop" "$T/loop.c"
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing

loop_with() {  # tracer command (or "none") -> ns per call of the loop while it runs
  local pid out
  if [ "$1" = none ]; then taskset -c 1 "$T/loop" "$CALLS"; return; fi
  taskset -c 1 "$T/loop" "$CALLS" > "$T/out" &
  pid=$!
  case $1 in
    x0bpf)     "$X" syscalls --duration 30 >/dev/null 2>&1 & ;;
    x0bpf-pid) "$X" syscalls --pid "$pid" --duration 30 >/dev/null 2>&1 & ;;
    syscount)  syscount -L >/dev/null 2>&1 & ;;
    syscount-pid) syscount -L -p "$pid" >/dev/null 2>&1 & ;;
  esac
  local tracer=$!
  wait "$pid"
  kill -INT "$tracer" 2>/dev/null || true
  wait "$tracer" 2>/dev/null || true
  cat "$T/out"
}

# Modes interleaved round by round, so drift on a shared machine hits them alike.
MODES="none x0bpf syscount x0bpf-pid syscount-pid"
for m in $MODES; do : > "$T/s-$m"; done
for _ in $(seq "$ROUNDS"); do
  for m in $MODES; do loop_with "$m" >> "$T/s-$m"; done
done
base=$(median < "$T/s-none")
for m in $MODES; do
  v=$(median < "$T/s-$m")
  echo "getppid with $m: $v ns/call (+$(awk -v v="$v" -v b="$base" 'BEGIN {printf "%.0f", v-b}') ns)"
done
