#!/usr/bin/env bash
# Smoke test of x0bpf on another kernel: Debian 12's own 6.1 by default, booted under QEMU (TCG,
# no KVM needed) with a throwaway initramfs holding busybox, x0bpf, iproute2's ip and the kernel
# modules the checks need. The guest's /init runs the checks, prints one
# `KMATRIX PASS <check>` or `KMATRIX FAIL <check>: <output>` line each, and powers off.
# Exits 0 only if every expected check passed and none failed.
#
# Usage: scripts/kernel-matrix.sh [KERNEL_VERSION_GLOB [SUITE]]
#   The glob is a bash extglob over kernel versions; the default, 6.1.0-+([0-9])-amd64, is
#   Debian 12's generic kernel (6.1.0-*-amd64 would also match the -rt- and -cloud- flavours).
#   SUITE (e.g. bullseye, for Debian 11's 5.10) takes the kernel package from that suite of the
#   Debian archive this machine's apt already uses, with a private sources list, lists and cache
#   under KMATRIX_CACHE: the host's apt state is not touched.
# Environment: KMATRIX_TIMEOUT (seconds for the whole guest run, default 300),
#   KMATRIX_CACHE (where a downloaded kernel is unpacked, default /var/cache/x0bpf-kmatrix),
#   KMATRIX_LOG (also save the serial console there), KMATRIX_KEEP=1 (keep the temp dir).
#
# The kernel: an installed one (/boot/vmlinuz-VER + /lib/modules/VER) matching the glob, else one
# already unpacked in KMATRIX_CACHE, else the newest linux-image-<glob>-unsigned package is
# downloaded with `apt-get download` and unpacked there. It is not dpkg-installed: that would
# pull initramfs-tools, udev and a systemd upgrade onto the host, and touch /boot, for a kernel
# that only ever runs under QEMU.
# The last line is `KMATRIX RESULT <kernel> PASS|FAIL passed=P checks=N guest=Gs total=Ts`;
# scripts/kernel-table.sh turns logs of runs into docs/KERNELS.md's results table.
set -euo pipefail
shopt -s extglob
cd "$(dirname "$0")/.."
REPO=$(pwd)
GLOB=${1:-6.1.0-+([0-9])-amd64}
SUITE=${2:-}
TIMEOUT=${KMATRIX_TIMEOUT:-300}
CACHE=${KMATRIX_CACHE:-/var/cache/x0bpf-kmatrix}
START=$(date +%s)

log() { echo "kernel-matrix: $*" >&2; }
die() { log "error: $*"; exit 2; }
[ "$(id -u)" = 0 ] || die "run as root (apt-get, and the kernel modules under /lib/modules)"

# --- host packages, only what is missing ------------------------------------------------------
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
need=()
for p in qemu-system-x86 busybox-static cpio iproute2 xz-utils; do
  installed "$p" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  extra=()
  # A newer qemu-utils (from backports) Breaks Debian 12's qemu-system-common: keep qemu-img by
  # taking the qemu-utils of the same version as qemu-system-x86 instead of letting apt remove it.
  if [[ " ${need[*]} " == *" qemu-system-x86 "* ]] && installed qemu-utils; then
    qv=$(apt-cache policy qemu-system-x86 | awk '/Candidate:/ {print $2}')
    if [ "$(dpkg-query -W -f='${Version}' qemu-utils)" != "$qv" ] \
       && apt-get install -s --no-install-recommends qemu-system-x86 2>/dev/null | grep -q '^Remv qemu-utils'; then
      extra=(--allow-downgrades "qemu-utils=$qv")
      log "qemu-utils $(dpkg-query -W -f='${Version}' qemu-utils) conflicts with qemu-system-x86 $qv: installing qemu-utils $qv"
    fi
  fi
  apt-get install -y -q --no-install-recommends "${extra[@]}" "${need[@]}" >/dev/null
  log "installed ${need[*]}"
fi
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || BUSYBOX=$(command -v busybox)
if ldd "$BUSYBOX" >/dev/null 2>&1; then die "$BUSYBOX is not static (install busybox-static)"; fi
IP=$(command -v ip || true)
[ -x "$IP" ] || IP=/sbin/ip
[ -x "$IP" ] || die "iproute2's ip not found"

# --- the kernel -------------------------------------------------------------------------------
KVER="" KROOT=""
pick() {  # pick ROOT: newest VER matching GLOB with ROOT/boot/vmlinuz-VER and ROOT/lib/modules/VER
  local root=$1 v best=""
  for d in "$root"/lib/modules/$GLOB; do
    [ -d "$d" ] || continue
    v=${d##*/}
    [ -f "$root/boot/vmlinuz-$v" ] || continue
    best=$( { [ -n "$best" ] && echo "$best"; echo "$v"; } | sort -V | tail -1)
  done
  [ -n "$best" ] && { KVER=$best; KROOT=$root; }
  return 0
}
pick ""
if [ -z "$KVER" ]; then
  for r in "$CACHE"/*/; do [ -d "$r" ] && pick "${r%/}"; done
fi
archive_uri() {  # the URI of the Debian archive this machine's apt uses for its own release
  local codename f
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [ -n "$codename" ] || return 0
  for f in /etc/apt/sources.list.d/*.sources; do  # deb822: the stanza whose Suites has it
    [ -f "$f" ] && awk -v c="$codename" 'BEGIN { RS = "" }
      { u = ""; s = 0; n = split($0, l, "\n")
        for (i = 1; i <= n; i++) {
          if (l[i] ~ /^URIs:/) { split(l[i], w, /[ \t]+/); u = w[2] }
          if (l[i] ~ /^Suites:/ && (l[i] " ") ~ ("[ \t]" c "[ \t]")) s = 1 }
        if (s && u != "") print u }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do  # one-line: deb [opts] URI SUITE …
    [ -f "$f" ] && awk -v c="$codename" '$1 == "deb" {
        for (i = 3; i <= NF; i++) if ($i == c && $(i - 1) ~ /^[a-z+]+:\/\//) print $(i - 1) }' "$f"
  done
  return 0
}
APT=()  # options that point apt at SUITE's private state (none: the host's own)
if [ -n "$SUITE" ]; then
  uri=$(archive_uri | head -1)
  [ -n "$uri" ] || die "no Debian archive found in /etc/apt/sources.list*"
  A=$CACHE/apt-$SUITE
  mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $SUITE main" > "$A/sources.list"
  APT=(-o "Dir::Etc::sourcelist=$A/sources.list" -o Dir::Etc::sourceparts=- \
       -o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache" -o Acquire::Languages=none)
fi
candidates() {
  apt-cache "${APT[@]}" pkgnames linux-image- 2>/dev/null | while read -r p; do
    # shellcheck disable=SC2053 # GLOB is a glob on purpose
    [[ $p == linux-image-${GLOB}-unsigned ]] && echo "$p"; done | sort -V | tail -1 || true
}
if [ -z "$KVER" ]; then
  pkg=$(candidates)
  if [ -z "$pkg" ]; then
    apt-get "${APT[@]}" update -q >/dev/null
    pkg=$(candidates)
  fi
  [ -n "$pkg" ] || die "no package linux-image-${GLOB}-unsigned${SUITE:+ in $SUITE} (apt-cache search linux-image)"
  log "downloading $pkg${SUITE:+ from $SUITE}"
  mkdir -p "$CACHE/$pkg.tmp"
  (cd "$CACHE/$pkg.tmp" && apt-get "${APT[@]}" download -q -o APT::Sandbox::User=root "$pkg" >/dev/null)
  dpkg-deb -x "$CACHE/$pkg.tmp"/*.deb "$CACHE/$pkg.tmp/root"
  rm -rf "${CACHE:?}/$pkg"
  mv "$CACHE/$pkg.tmp/root" "$CACHE/$pkg"
  rm -rf "${CACHE:?}/$pkg.tmp"
  pick "$CACHE/$pkg"
  [ -n "$KVER" ] || die "$pkg holds no kernel matching $GLOB"
fi
VMLINUZ=$KROOT/boot/vmlinuz-$KVER
MODDIR=$KROOT/lib/modules/$KVER
log "kernel $KVER ($VMLINUZ)"

# --- x0bpf ------------------------------------------------------------------------------------
# Fully static (glibc too: crt-static), so the guest needs no library for x0bpf; libelf and zlib
# are static in every build (libbpf-sys's `static` feature). An explicit --target keeps the flag
# off build scripts and proc macros. KMATRIX_STATIC=0 tests the ordinary glibc-linked binary.
scripts/setup.sh
if [ "${KMATRIX_STATIC:-1}" = 1 ]; then
  host=$(rustc -vV | sed -n 's/^host: //p')
  RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" cargo build --release -q --target "$host"
  X0BPF=${CARGO_TARGET_DIR:-$REPO/target}/$host/release/x0bpf
else
  cargo build --release -q
  X0BPF=${CARGO_TARGET_DIR:-$REPO/target}/release/x0bpf
fi
[ -x "$X0BPF" ] || die "no binary at $X0BPF"
log "x0bpf $(stat -c %s "$X0BPF") bytes, $(ldd "$X0BPF" 2>&1 | grep -q 'statically linked' && echo static || echo dynamic)"

# --- the initramfs ----------------------------------------------------------------------------
TMP=$(mktemp -d /tmp/kernel-matrix.XXXXXX)
cleanup() { if [ "${KMATRIX_KEEP:-}" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi; }
trap cleanup EXIT
R=$TMP/root
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,lib/modules/"$KVER"}
cp "$BUSYBOX" "$R/bin/busybox"
install -m 0755 "$X0BPF" "$R/usr/bin/x0bpf"
install -m 0755 "$IP" "$R/usr/sbin/ip"   # busybox ip cannot make a veth pair with named peer

copy_libs() {  # every library ldd lists, and the dynamic loader, at the same paths
  { ldd "$1" 2>/dev/null || true; } | awk '/=> \// {print $3} /^[[:space:]]*\/[^ ]*ld-linux/ {print $1}' | while read -r lib; do
    [ -e "$R$lib" ] && continue
    mkdir -p "$R$(dirname "$lib")"
    cp -L "$lib" "$R$lib"
  done
}
copy_libs "$X0BPF"
copy_libs "$IP"
# The kprobe and newer-helper checks' objects, built by this machine's clang like the test
# suite's objects.
for o in kmatrix_probes kmatrix_newer; do clang -O2 -g -target bpf -c "tests/bpf/$o.c" -o "$R/$o.o"; done
# The module-BTF check's object: a CO-RE relocation on struct veth_priv, which only veth has.
clang -O2 -g -target bpf -c tests/bpf/kmatrix_modbtf.c -o "$R/kmatrix_modbtf.o"

# Modules: the .ko (decompressed: busybox insmod may not read .ko.xz/.ko.zst) and, first, what
# each depends on (from the module's own .modinfo, so no modules.dep is needed).
MODLIST=()
modfile() {  # path of module NAME under MODDIR, or nothing if it is built in / absent
  local n=$1 alt
  alt=$(echo "$n" | tr '_-' '-_')
  find "$MODDIR/kernel" \( -name "$n.ko" -o -name "$n.ko.*" -o -name "$alt.ko" -o -name "$alt.ko.*" \) -print -quit
}
add_module() {
  local n=$1 f out dep
  n=${n//-/_}
  for m in "${MODLIST[@]:-}"; do [ "$m" = "$n" ] && return 0; done
  f=$(modfile "$n")
  if [ -z "$f" ]; then
    grep -qE "/${n//_/[-_]}\.ko" "$MODDIR/modules.builtin" 2>/dev/null || die "module $n: neither built in nor in $MODDIR"
    return 0
  fi
  out=$R/lib/modules/$KVER/$n.ko
  case $f in
    *.xz) xz -dc "$f" > "$out" ;;
    *.zst) command -v zstd >/dev/null || die "$f: install zstd"; zstd -q -dc "$f" > "$out" ;;
    *.gz) gzip -dc "$f" > "$out" ;;
    *) cp "$f" "$out" ;;
  esac
  for dep in $(tr '\0' '\n' < "$out" | sed -n 's/^depends=//p' | tr ',' ' '); do
    add_module "$dep"
  done
  MODLIST+=("$n")
}
# veth: the test pair; sch_ingress: the clsact qdisc; cls_bpf: the tc filter.
for m in veth sch_ingress cls_bpf; do add_module "$m"; done
printf '%s\n' "${MODLIST[@]:-}" > "$R/etc/kmatrix-modules"
# Module BTF (/sys/kernel/btf/veth) exists when the kernel builds it (CONFIG_DEBUG_INFO_BTF_MODULES)
# and the .ko carries a .BTF section: Debian's 6.1 and 6.12 do, 5.10 does not.
has_module_btf() {
  local ko=$R/lib/modules/$KVER/$1.ko
  [ -f "$ko" ] || return 1
  if command -v readelf >/dev/null; then readelf -S "$ko" | grep -qE '[[:space:]]\.BTF[[:space:]]'
  else LC_ALL=C grep -qa '\.BTF' "$ko"; fi
}

# The checks: NAME EXPECTED_EXIT 'x0bpf args' PATTERN... (a pattern `!P` must not appear)
# tc: kernels before 6.6 have no tcx, so mode auto must fall back to clsact and --mode tcx must
# be refused; from 6.6 on auto must take tcx, and clsact still works when asked for.
kmaj=${KVER%%.*}; kmin=${KVER#*.}; kmin=${kmin%%[!0-9]*}
if [ "$kmaj" -gt 6 ] || { [ "$kmaj" -eq 6 ] && [ "$kmin" -ge 6 ]; }; then
  TC_CHECKS=$(cat <<'EOF'
attach-tc        0 'attach tc veth0 --direction ingress'                '"mode":"tcx"' '"how":"bpf_link"' '"tcx_refused":null'
net-tc           0 'net --dev veth0'                                    '"mode":"tcx"' '"owner":"tc_classifier"'
detach-tc        0 'detach tc veth0'                                    '"verified":true'
attach-clsact    0 'attach tc veth0 --direction egress --mode clsact'   '"mode":"clsact"' '"how":"netlink"'
detach-clsact    0 'detach tc veth0'                                    '"verified":true'
EOF
)
else
  TC_CHECKS=$(cat <<'EOF'
attach-tc        0 'attach tc veth0 --direction ingress'                '"mode":"clsact"' '"how":"netlink"' '!"tcx_refused":null'
net-tc           0 'net --dev veth0'                                    '"mode":"clsact"' '"owner":"tc_classifier"'
detach-tc        0 'detach tc veth0'                                    '"verified":true'
attach-tcx-only  5 'attach tc veth0 --direction ingress --mode tcx'     '"kind":"unsupported"'
EOF
)
fi
# Tracepoints, kprobes and uprobes are held by perf-event bpf_links (Linux 5.15+): before that,
# x0bpf must refuse them with an "unsupported" error naming the version, and leave nothing loaded.
if [ "$kmaj" -gt 5 ] || { [ "$kmaj" -eq 5 ] && [ "$kmin" -ge 15 ]; }; then
  TP_CHECKS=$(cat <<'EOF'
attach-tp-enter  0 'attach tracepoint raw_syscalls:sys_enter --prog syscall_latency:on_sys_enter' '"how":"bpf_link"'
attach-tp-exit   0 'attach tracepoint raw_syscalls:sys_exit --prog syscall_latency:on_sys_exit'   '"how":"bpf_link"'
stats-syscall    0 'stats syscall_latency'                              '"syscalls":[{'
EOF
)
  KPROBE_CHECKS=$(cat <<'EOF'
load-kprobes     0 'load /kmatrix_probes.o --name kp'                   '"name":"on_kprobe"' '"name":"on_kretprobe"'
attach-kprobe    0 'attach kprobe do_sys_openat2 --prog kp:on_kprobe'   '"kind":"kprobe"' '"how":"bpf_link"'
attach-kretprobe 0 'attach kretprobe do_sys_openat2 --prog kp:on_kretprobe' '"kind":"kretprobe"' '"how":"bpf_link"'
@fired           kprobes-fire kp
detach-kprobe    0 'detach kprobe do_sys_openat2'                       '"attachment":"kprobe do_sys_openat2"'
detach-kretprobe 0 'detach kretprobe do_sys_openat2'                    '"attachment":"kretprobe do_sys_openat2"'
@quiet           kprobes-quiet kp
unload-kprobes   0 'unload kp'                                          '"still_held":[]'
EOF
)
else
  TP_CHECKS=$(cat <<'EOF'
tp-refused       5 'attach tracepoint raw_syscalls:sys_enter --prog syscall_latency:on_sys_enter' '"kind":"unsupported"' 'Linux 5.15+'
stats-syscall    0 'stats syscall_latency'                              '"syscalls":[]'
EOF
)
  KPROBE_CHECKS=$(cat <<'EOF'
kprobe-refused    5 'attach kprobe do_sys_openat2 --prog /kmatrix_probes.o:on_kprobe'       '"kind":"unsupported"' 'Linux 5.15+'
kretprobe-refused 5 'attach kretprobe do_sys_openat2 --prog /kmatrix_probes.o:on_kretprobe' '"kind":"unsupported"' 'Linux 5.15+'
list-no-kprobes   0 'list'                                              '!"kmatrix_probes"'
EOF
)
fi
# bpf_ktime_get_coarse_ns is Linux 5.11's: before that, validate names it and load fails cleanly.
if [ "$kmaj" -gt 5 ] || { [ "$kmaj" -eq 5 ] && [ "$kmin" -ge 11 ]; }; then
  HELPER_CHECKS=$(cat <<'EOF'
validate-newer   0 'validate /kmatrix_newer.o'                          'newer_helper: helper bpf_ktime_get_coarse_ns'
load-newer       0 'load /kmatrix_newer.o --name newer'                 '"name":"newer_helper"'
unload-newer     0 'unload newer'                                       '"still_held":[]'
EOF
)
else
  HELPER_CHECKS=$(cat <<'EOF'
validate-newer   1 'validate /kmatrix_newer.o'                          'bpf_ktime_get_coarse_ns, which this kernel does not offer'
load-newer-refused 6 'load /kmatrix_newer.o --name newer'               '"kind":"kernel"'
EOF
)
fi
# CO-RE against module BTF: struct veth_priv is not in vmlinux, so validate must find it in
# /sys/kernel/btf/veth (as libbpf does), and libbpf's load must patch the same value.
if has_module_btf veth; then
  MODBTF_CHECKS=$(cat <<'EOF'
validate-modbtf  0 'validate /kmatrix_modbtf.o'                         '"module":"veth"' 'resolved in module veth'
@modbtf_same     modbtf-libbpf /kmatrix_modbtf.o
EOF
)
else
  MODBTF_CHECKS=$(cat <<'EOF'
validate-modbtf  1 'validate /kmatrix_modbtf.o'                         "no struct named 'veth_priv' in target BTF"
EOF
)
fi
CHECKS=$(cat <<EOF
objects          0 'objects'                                            '"name":"xdp_counter"' '"name":"tc_classifier"' '"name":"syscall_latency"' '"name":"net_events"'
feature          0 'feature'                                            '"command":"feature"' '"release":"$KVER"'
validate-embedded 0 'validate xdp_counter --verify'                     '"command":"validate"'
validate-guard   0 'validate xdp_guard --verify'                       '"command":"validate"'
attach-xdp       0 'attach xdp veth0'                                   '"mode":"drv"' '"how":"bpf_link"'
net-xdp          0 'net --dev veth0'                                    '"xdp":[{' '"mode":"drv"' '"owner":"xdp_counter"'
detach-xdp       0 'detach xdp veth0'                                   '"verified":true'
$TC_CHECKS
load-syscall     0 'load syscall_latency'                               '"name":"on_sys_enter"' '"name":"on_sys_exit"'
$TP_CHECKS
$KPROBE_CHECKS
$HELPER_CHECKS
$MODBTF_CHECKS
verify-tc        0 'validate tc_classifier --verify'                    '"command":"validate"'
verify-syscall   0 'validate syscall_latency --verify'                  '"command":"validate"'
verify-events    0 'validate net_events --verify'                       '"command":"validate"'
@busy_view       view-syscalls
view-filtered    0 'syscalls --duration 1 --pid 1 --comm init'          '"command":"syscalls"' '"pid":1' '"comm":"init"'
view-events      0 'events --duration 1'                                '"command":"events"' '"summary"'
unload-syscall   0 'unload syscall_latency'                             '"still_held":[]' '!"released_programs":[]'
unload-xdp       0 'unload xdp_counter'                                 '"still_held":[]'
unload-tc        0 'unload tc_classifier'                               '"still_held":[]'
list-empty       0 'list'                                               '"objects":[]'
EOF
)
# A line `@FUNC NAME ARGS` calls a shell function of /init instead of x0bpf; NAME is its check.
mapfile -t EXPECTED < <(printf 'kernel\nmodules\nveth\n'; echo "$CHECKS" | awk '/^@/ {print $2; next} {print $1}')

{
  cat <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib64
KVER='$KVER'
EOF
  cat <<'EOF'
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# bpffs and tracefs are left to x0bpf: mounting them when missing is part of what is tested.
echo 1 > /proc/sys/kernel/printk
fails=0
pass() { echo "KMATRIX PASS $1"; }
fail() { echo "KMATRIX FAIL $1: $2"; fails=$((fails + 1)); }
echo; echo "KMATRIX BEGIN $(uname -r) $(uname -v)"  # own line: the console may hold a partial one
case $(uname -r) in "$KVER") pass kernel ;; *) fail kernel "booted $(uname -r), wanted $KVER" ;; esac
merr=""
for m in $(cat /etc/kmatrix-modules); do
  out=$(insmod "/lib/modules/$KVER/$m.ko" 2>&1) || merr="$merr $m: $out;"
done
if [ -z "$merr" ]; then pass modules; else fail modules "$merr"; fi
# iproute2's ip by its path: busybox sh runs its own ip applet whatever PATH says, and that one
# fails to make a veth pair with a named peer (EEXIST).
IP=/usr/sbin/ip
out=$($IP link add veth0 type veth peer name veth1 2>&1 && $IP link set veth0 up 2>&1 && $IP link set veth1 up 2>&1)
if [ $? = 0 ]; then pass veth; else fail veth "$out"; fi
check() {  # NAME EXPECTED_EXIT ARGS PATTERN...
  name=$1 want=$2 args=$3
  shift 3
  out=$(eval "x0bpf -j $args" 2>&1)
  rc=$?
  flat=$(printf '%s' "$out" | tr '\n' ' ')
  echo "KMATRIX OUT $name (exit $rc): x0bpf -j $args => $flat"
  if [ "$rc" != "$want" ]; then fail "$name" "exit $rc, wanted $want: $flat"; return; fi
  for p in "$@"; do
    case $p in
      !*) if printf '%s' "$out" | grep -qF -- "${p#!}"; then fail "$name" "has ${p#!}: $flat"; return; fi ;;
      *) if ! printf '%s' "$out" | grep -qF -- "$p"; then fail "$name" "lacks $p: $flat"; return; fi ;;
    esac
  done
  pass "$name"
}
# Run counts (kernel.bpf_stats_enabled is on) of an object's programs, in list order.
counts() { x0bpf -j list "$1" 2>/dev/null | grep -o '"run_cnt":[0-9]*' | cut -d: -f2 | tr '\n' ' '; }
opens() { for i in 1 2 3 4 5; do cat /proc/version > /dev/null; done; }
fired() {  # NAME OBJ: each program of OBJ runs at least 5 more times while 5 files are opened
  a=$(counts "$2"); opens; b=$(counts "$2")
  echo "KMATRIX OUT $1: run_cnt before [$a] after 5 opens [$b]"
  set -- "$1" $a $b
  if [ $# != 5 ]; then fail "$1" "expected 2 programs with run_cnt: [$a] [$b]"; return; fi
  if [ $(($4 - $2)) -ge 5 ] && [ $(($5 - $3)) -ge 5 ]; then pass "$1"; else fail "$1" "run_cnt [$a] -> [$b]"; fi
}
quiet() {  # NAME OBJ: once detached, OBJ's programs do not run when files are opened
  a=$(counts "$2"); opens; b=$(counts "$2")
  echo "KMATRIX OUT $1: run_cnt before [$a] after 5 opens [$b]"
  if [ -n "$a" ] && [ "$a" = "$b" ]; then pass "$1"; else fail "$1" "run_cnt moved: [$a] -> [$b]"; fi
}
busy_view() {  # NAME: unfiltered `syscalls` counts other processes' calls (never its own, so a
  # busy loop runs beside it: the guest is otherwise idle while x0bpf runs)
  ( while :; do cat /proc/version > /dev/null; done ) &
  bg=$!
  out=$(x0bpf -j syscalls --duration 2 2>&1); rc=$?
  kill $bg 2>/dev/null; wait $bg 2>/dev/null
  flat=$(printf '%s' "$out" | tr '\n' ' ')
  echo "KMATRIX OUT $1 (exit $rc): x0bpf -j syscalls --duration 2 => $flat"
  if [ "$rc" = 0 ] && printf '%s' "$out" | grep -qF '"name":"'; then pass "$1"; else fail "$1" "exit $rc: $flat"; fi
}
modbtf_same() {  # NAME OBJ: libbpf's load patches OBJ's CO-RE relocation with validate's value
  v=$(x0bpf -j validate "$2" 2>&1 | grep -o '"value":[0-9]*' | head -1 | cut -d: -f2)
  log=$(x0bpf -v load "$2" --name modbtf 2>&1); rc=$?
  x0bpf unload modbtf > /dev/null 2>&1
  l=$(printf '%s' "$log" | grep 'relo #0: patched insn' | head -1 | sed 's/.* -> //')
  cand=$(printf '%s' "$log" | grep -o 'found target candidate .* in \[[a-z_0-9]*\]' | head -1)
  echo "KMATRIX OUT $1: load exit $rc; libbpf: $cand, patched -> [$l]; validate value [$v]"
  if [ "$rc" = 0 ] && [ -n "$v" ] && [ "$v" = "$l" ] && printf '%s' "$cand" | grep -q 'in \[veth\]'; then
    pass "$1"
  else
    fail "$1" "$(printf '%s' "$log" | grep -i 'relo\|CO-RE\|error' | tr '\n' ' ' | cut -c1-600)"
  fi
}
echo 1 > /proc/sys/kernel/bpf_stats_enabled
EOF
  echo "$CHECKS" | while read -r line; do
    case $line in @*) echo "${line#@}" ;; *) echo "check $line" ;; esac
  done
  cat <<'EOF'
echo "KMATRIX DONE fails=$fails"
sync
poweroff -f
EOF
} > "$R/init"
chmod 0755 "$R/init"

(cd "$R" && find . -print0 | cpio --null -o -H newc --owner=0:0 --quiet) | gzip -1 > "$TMP/initrd.gz"
log "initramfs $(du -h "$TMP/initrd.gz" | cut -f1) (modules: ${MODLIST[*]:-none}); booting, timeout ${TIMEOUT}s"

# --- boot -------------------------------------------------------------------------------------
CONSOLE=$TMP/console.log
BOOT=$(date +%s)
set +e
timeout "$TIMEOUT" qemu-system-x86_64 -machine accel=tcg -cpu max -m 1G -smp 1 -nographic \
  -no-reboot -net none -kernel "$VMLINUZ" -initrd "$TMP/initrd.gz" \
  -append "console=ttyS0 rdinit=/init panic=-1 loglevel=4" < /dev/null > "$CONSOLE" 2>&1
qrc=$?
set -e
tr -d '\r' < "$CONSOLE" > "$CONSOLE.txt"
[ -n "${KMATRIX_LOG:-}" ] && cp "$CONSOLE.txt" "$KMATRIX_LOG"
END=$(date +%s)

# --- verdict ----------------------------------------------------------------------------------
echo "== guest ($KVER): x0bpf outputs =="
grep '^KMATRIX OUT ' "$CONSOLE.txt" | cut -c1-400 || true
echo "== guest ($KVER): summary =="
{ grep -o 'KMATRIX BEGIN .*' "$CONSOLE.txt" | head -1; grep -E '^KMATRIX (PASS|FAIL|DONE)' "$CONSOLE.txt"; } || true
ok=1
[ "$qrc" = 124 ] && { echo "kernel-matrix: qemu timed out after ${TIMEOUT}s"; ok=0; }
grep -q '^KMATRIX FAIL ' "$CONSOLE.txt" && ok=0
for c in "${EXPECTED[@]}"; do
  grep -qx "KMATRIX PASS $c" "$CONSOLE.txt" || { echo "kernel-matrix: no PASS for $c"; ok=0; }
done
if ! grep -q '^KMATRIX DONE' "$CONSOLE.txt"; then
  echo "kernel-matrix: the guest never finished (qemu exit $qrc); last 40 console lines:"
  tail -n 40 "$CONSOLE.txt"
  ok=0
fi
npass=0
for c in "${EXPECTED[@]}"; do grep -qx "KMATRIX PASS $c" "$CONSOLE.txt" && npass=$((npass + 1)); done
verdict=$([ "$ok" = 1 ] && echo PASS || echo FAIL)
echo "kernel-matrix: $KVER: $verdict" \
  "($npass of ${#EXPECTED[@]} checks pass; guest $((END - BOOT)) s, total $((END - START)) s)"
echo "KMATRIX RESULT $KVER $verdict passed=$npass checks=${#EXPECTED[@]} guest=$((END - BOOT))s total=$((END - START))s"
[ "$ok" = 1 ]
