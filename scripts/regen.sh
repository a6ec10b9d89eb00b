#!/usr/bin/env bash
# Regenerates completions/ and man/ from the clap definition (tests/cli.rs fails when stale).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q
for sh in bash zsh fish; do
  "${CARGO_TARGET_DIR:-target}"/debug/x0bpf completions "$sh" > "completions/x0bpf.$sh"
done
rm -f man/*.1
"${CARGO_TARGET_DIR:-target}"/debug/x0bpf man man 2>/dev/null
