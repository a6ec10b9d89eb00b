#!/usr/bin/env bash
# After the suite the kernel must hold nothing of ours: no test namespaces, veth pairs, bpffs
# mounts or pins, and no program of x0bpf's (by name). Prints what leaked and fails.
set -u
leaks=()
ns=$(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^x0t' || true)
[ -n "$ns" ] && leaks+=("network namespaces: $(echo $ns)")
veth=$(ip -o link show type veth 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^(veth[01]|x0)' || true)
[ -n "$veth" ] && leaks+=("veth in the root namespace: $(echo $veth)")
mnt=$(grep -E ' /tmp/x0bpf-test-bpffs-[^ ]* bpf ' /proc/mounts | awk '{print $2}' || true)
[ -n "$mnt" ] && leaks+=("test bpffs mounts: $(echo $mnt)")
if mountpoint -q /sys/fs/bpf; then
  # An empty pin directory is no leak (older x0bpf left one after the last unload).
  pins=$(find /sys/fs/bpf -mindepth 2 -path '/sys/fs/bpf/x0bpf*' 2>/dev/null | head -20)
  [ -n "$pins" ] && leaks+=("pins: $(echo $pins)")
fi
if command -v bpftool >/dev/null; then
  # Programs are freed asynchronously after their last reference goes: give them a moment.
  for _ in 1 2 3 4 5; do
    progs=$(bpftool -j prog list 2>/dev/null | jq -r '.[].name // empty' 2>/dev/null \
      | grep -Ex 'xdp_count|tc_classify|on_sys_enter|on_sys_exit|raw_sys_enter|raw_sys_exit|on_kfree_skb|on_sock_set_sta|on_tcp_retransm|on_getpid|record|good_prog|bad_prog|on_raw_sys_enter|on_kprobe|on_uprobe' || true)
    [ -z "$progs" ] && break
    sleep 1
  done
  [ -n "$progs" ] && leaks+=("BPF programs still loaded: $(echo $progs)")
fi
if [ ${#leaks[@]} -gt 0 ]; then
  echo "leakcheck: the kernel still holds state from the tests:" >&2
  printf '  %s\n' "${leaks[@]}" >&2
  exit 1
fi
echo "leakcheck: nothing of ours left in the kernel"
