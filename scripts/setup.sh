#!/usr/bin/env bash
# Installs what x0bpf needs to build and test on Debian 12, only what is missing.
# Build: clang (BPF), libelf-dev, zlib1g-dev, pkg-config. Tests: gcc-bpf (GCC's BPF backend),
# clang-16 (a second clang), llvm, bpftool, iproute2, xdp-tools, jq (independent witnesses).
set -euo pipefail
need=()
for p in clang llvm libelf-dev zlib1g-dev pkg-config linux-libc-dev ${X0BPF_TEST_DEPS:-}; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
  echo "setup: installed ${need[*]}" >&2
fi
command -v cargo >/dev/null || { echo "setup: cargo not found: install Rust (rustup) first" >&2; exit 1; }
