#!/usr/bin/env bash
# Rebuilds the fuzz seed corpus in this directory from the sources it comes from: the embedded
# objects (bpf/*.bpf.c, compiled like build.rs does), the test objects (tests/bpf/*.c, compiled
# like the tests do), and the two fixtures in src/. Needs clang, bpf-gcc, llvm-objcopy, python3
# and libbpf's headers (taken from the libbpf-sys crate in the cargo registry).
# The verifier_log and netlink seeds are hand-made or captured, not regenerated here.
set -euo pipefail
cd "$(dirname "$0")"
root=../..
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

libbpf=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/libbpf-sys-*/libbpf/src | tail -1)
mkdir -p "$tmp/inc" elf btf btf_ext core_reloc
ln -s "$libbpf" "$tmp/inc/bpf"

for f in "$root"/bpf/*.bpf.c; do
  n=$(basename "$f" .bpf.c)
  clang -g -O2 -target bpf -Wall -I"$root/bpf" -I"$tmp/inc" -D__TARGET_ARCH_x86 -c "$f" -o "elf/embedded-$n.o"
done
for f in "$root"/tests/bpf/*.c; do
  n=$(basename "$f" .c)
  clang -O2 -target bpf -g -c "$f" -o "elf/clang-$n.o"
done
clang -O2 -target bpfeb -g -c "$root/tests/bpf/core_sample.c" -o elf/clang-core_sample-bpfeb.o
clang -O2 -target bpf -c "$root/tests/bpf/legacy_maps.c" -o elf/clang-legacy_maps-nobtf.o
bpf-gcc -O2 -gbtf -c "$root/tests/bpf/core_sample.c" -o elf/gcc-core_sample.o \
  -idirafter /usr/include -idirafter /usr/include/x86_64-linux-gnu
clang -O2 -g -target bpf -c src/core_rich.c -o elf/clang-core_rich.o
clang -O2 -g -target bpf -c src/kernel_like.c -o "$tmp/kernel_like.o"
llvm-objcopy --dump-section .BTF="$tmp/kernel_like.btf" "$tmp/kernel_like.o" "$tmp/junk.o"

# Sections of every object with BTF.
for o in elf/*.o; do
  n=$(basename "$o" .o)
  llvm-objcopy --dump-section .BTF="$tmp/$n.btf" --dump-section .BTF.ext="$tmp/$n.ext" "$o" "$tmp/junk.o" 2>/dev/null || continue
  cp "$tmp/$n.btf" "btf/$n.btf"
done
cp "$tmp/kernel_like.btf" btf/kernel_like.btf

# The fixtures, in the order of OBJECTS in ../src/lib.rs: btf_ext and core_reloc inputs start
# with a selector byte naming the fixture whose BTF they go with.
python3 - "$tmp" <<'PY'
import struct, sys
tmp = sys.argv[1]
fixtures = open("../src/lib.rs").read().split("const OBJECTS")[1].split("];")[0]
names = [l.strip().strip('",') for l in fixtures.splitlines() if l.strip().startswith('"')]
kernel_like = open(f"{tmp}/kernel_like.btf", "rb").read()
for i, n in enumerate(names):
    btf = open(f"{tmp}/{n}.btf", "rb").read()
    ext = open(f"{tmp}/{n}.ext", "rb").read()
    open(f"btf_ext/{n}.ext", "wb").write(bytes([i]) + ext)
    # core_reloc, even selector: a target BTF (the object's own, and a kernel-like one).
    open(f"core_reloc/target-{n}.btf", "wb").write(bytes([2 * i]) + btf)
    open(f"core_reloc/kernel_like-for-{n}.btf", "wb").write(bytes([2 * i]) + kernel_like)
    # core_reloc, odd selector: the object's relocations as records.
    e = "<" if btf[0] == 0x9F else ">"
    hl, _, _, so, sl = struct.unpack(e + "5I", btf[4:24])
    strs = btf[hl + so : hl + so + sl]
    ehl = struct.unpack(e + "I", ext[4:8])[0]
    if ehl < 32:
        continue
    co, cl = struct.unpack(e + "2I", ext[24:32])
    d = ext[ehl + co : ehl + co + cl]
    if not d:
        continue
    rs, p, out = struct.unpack(e + "I", d[:4])[0], 4, b""
    while p < len(d):
        _, num = struct.unpack(e + "2I", d[p : p + 8])
        p += 8
        for _ in range(num):
            _, tid, ao, kind = struct.unpack(e + "4I", d[p : p + 16])
            p += rs
            a = strs[ao : strs.index(b"\0", ao)]
            out += struct.pack("<II", tid, kind) + bytes([len(a)]) + a
    open(f"core_reloc/relos-{n}.bin", "wb").write(bytes([2 * i + 1]) + out)
PY

# explain: the code sections of the embedded and test objects, as the target reads them (a
# flags byte, then raw little-endian instructions).
mkdir -p explain
for f in explain_xdp explain_tricky explain_throw explain_kfunc; do
  clang -O2 -target bpf -g -c "$root/tests/bpf/$f.c" -o "$tmp/clang-$f.o"
done
for o in elf/embedded-*.o "$tmp"/clang-explain*.o elf/clang-probes.o; do
  n=$(basename "$o" .o)
  for s in $(llvm-readelf -S -W "$o" | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\) .* AX .*/\1/p'); do
    llvm-objcopy --dump-section "$s=$tmp/code" "$o" "$tmp/junk.o" 2>/dev/null || continue
    [ -s "$tmp/code" ] || continue
    { printf '\006'; cat "$tmp/code"; } >"explain/$n-$(echo "$s" | tr '/.' '__').bin"
  done
done
