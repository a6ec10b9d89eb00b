#!/usr/bin/env bash
# The main job on an embedded default: attach the embedded XDP counter to an interface in auto
# mode (default: lo, which every machine has), send a little traffic, show per-protocol
# counts, detach and unload. Usage: scripts/demo.sh [IFACE]
set -euo pipefail
cd "$(dirname "$0")/.."
X0BPF_TEST_DEPS="iputils-ping" scripts/setup.sh
cargo build --release -q
# On PATH with its man pages and completions, so `x0bpf inspect xdp_counter --json | jq .programs`,
# `man x0bpf` and tab completion work afterwards.
scripts/install.sh "${CARGO_TARGET_DIR:-target}/release/x0bpf"
X=${PREFIX:-/usr/local}/bin/x0bpf
IFACE=${1:-lo}

cleanup() {
  "$X" detach xdp "$IFACE" >/dev/null 2>&1 || true
  "$X" unload xdp_counter >/dev/null 2>&1 || true
}
trap cleanup EXIT

"$X" attach xdp "$IFACE" --mode auto
if [ "$IFACE" = lo ]; then
  ping -q -c 5 -i 0.2 127.0.0.1 >/dev/null
  for i in 1 2 3; do echo "x0bpf $i" > /dev/udp/127.0.0.1/9; done
else
  echo "waiting 3 s for traffic on $IFACE…" >&2
  sleep 3
fi
"$X" stats
"$X" detach xdp "$IFACE"
"$X" unload xdp_counter
trap - EXIT
