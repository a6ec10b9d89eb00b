#!/usr/bin/env bash
# Turns the output of scripts/kernel-matrix.sh runs (one log holding several kernels, or several
# logs) into docs/KERNELS.md's results tables: one row per kernel, then one row per check with a
# column per kernel. Nothing in the tables is written by hand.
#
# Usage: scripts/kernel-table.sh [--update FILE] [LOG...]     (no LOG: standard input)
#   --update FILE replaces what lies between the lines `<!-- kmatrix-table:begin -->` and
#   `<!-- kmatrix-table:end -->` in FILE; without it the tables go to standard output.
#
# What it reads: `KMATRIX BEGIN <release> <uname -v>` (the guest's first line), `KMATRIX PASS
# <check>` / `KMATRIX FAIL <check>: …`, and the host's closing `KMATRIX RESULT <kernel>
# PASS|FAIL passed=P checks=N guest=Gs total=Ts`, which ends one kernel's block. A kernel that
# appears twice keeps its last run.
set -euo pipefail
update=""
if [ "${1:-}" = --update ]; then
  [ -n "${2:-}" ] || { echo "kernel-table: --update needs a file" >&2; exit 2; }
  update=$2
  shift 2
fi

table() {
  awk '
    function vkey(v,   a, n, i, k) {  # sortable key for a kernel release: 5.10.0-32-amd64
      n = split(v, a, /[^0-9]+/); k = ""
      for (i = 1; i <= 4; i++) k = k sprintf("%06d", (i <= n && a[i] != "") ? a[i] : 0)
      return k
    }
    /^KMATRIX BEGIN / {
      deb = ""
      if (match($0, /Debian [^ ]+/)) deb = substr($0, RSTART + 7, RLENGTH - 7)
      next
    }
    /^KMATRIX PASS / { n++; chk[n] = $3; res[n] = "pass"; next }
    /^KMATRIX FAIL / { c = $3; sub(/:$/, "", c); n++; chk[n] = c; res[n] = "**FAIL**"; next }
    /^KMATRIX RESULT / {
      k = $3
      if (!(k in seen)) { seen[k] = 1; nk++; kern[nk] = k }
      verdict[k] = ($4 == "PASS") ? "PASS" : "**FAIL**"
      for (i = 5; i <= NF; i++) { split($i, kv, "="); f[k, kv[1]] = kv[2] }
      debv[k] = deb
      for (c in have) if (index(c, k SUBSEP) == 1) delete have[c]
      # A check new to the table goes right after the previous check of this kernel, so that
      # version-dependent checks stand next to the ones they replace.
      at = 0
      for (i = 1; i <= n; i++) {
        if (!(chk[i] in known)) {
          known[chk[i]] = 1; nc++
          for (j = nc; j > at + 1; j--) order[j] = order[j - 1]
          order[at + 1] = chk[i]
        }
        for (j = 1; j <= nc; j++) if (order[j] == chk[i]) { at = j; break }
        have[k, chk[i]] = res[i]
      }
      n = 0; deb = ""
      next
    }
    END {
      if (nk == 0) { print "kernel-table: no KMATRIX RESULT line in the input" > "/dev/stderr"; exit 1 }
      # kernels oldest first
      for (i = 1; i <= nk; i++) key[i] = vkey(kern[i])
      for (i = 2; i <= nk; i++) for (j = i; j > 1 && key[j - 1] > key[j]; j--) {
        t = key[j]; key[j] = key[j - 1]; key[j - 1] = t
        t = kern[j]; kern[j] = kern[j - 1]; kern[j - 1] = t
      }
      print "| kernel | Debian package version | result | checks passed | guest / total |"
      print "| --- | --- | --- | --- | --- |"
      for (i = 1; i <= nk; i++) {
        k = kern[i]
        printf "| `%s` | %s | %s | %s of %s | %s / %s |\n", k, (debv[k] != "" ? debv[k] : "?"),
          verdict[k], f[k, "passed"], f[k, "checks"], f[k, "guest"], f[k, "total"]
      }
      print ""
      printf "| check |"; for (i = 1; i <= nk; i++) printf " %s |", kern[i]; print ""
      printf "| --- |"; for (i = 1; i <= nk; i++) printf " --- |"; print ""
      for (c = 1; c <= nc; c++) {
        printf "| %s |", order[c]
        for (i = 1; i <= nk; i++) printf " %s |", ((kern[i], order[c]) in have) ? have[kern[i], order[c]] : "–"
        print ""
      }
    }' "$@"
}

if [ -z "$update" ]; then
  table "$@"
  exit 0
fi
grep -qx '<!-- kmatrix-table:begin -->' "$update" && grep -qx '<!-- kmatrix-table:end -->' "$update" \
  || { echo "kernel-table: $update lacks the kmatrix-table markers" >&2; exit 2; }
new=$(mktemp)
trap 'rm -f "$new" "$new.tbl"' EXIT
table "$@" > "$new.tbl"
awk -v tbl="$new.tbl" '
  $0 == "<!-- kmatrix-table:begin -->" { print; while ((getline l < tbl) > 0) print l; skip = 1; next }
  $0 == "<!-- kmatrix-table:end -->" { skip = 0 }
  !skip' "$update" > "$new"
rm -f "$new.tbl"
cat "$new" > "$update"
echo "kernel-table: updated $update" >&2
