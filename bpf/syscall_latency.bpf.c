// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * syscall_latency: per-syscall call count, total latency and a log2 latency histogram.
 *
 * Built on the raw_syscalls tracepoints (no kprobes needed): sys_enter stores the start time
 * keyed by thread id, sys_exit computes the latency. `target_tgid` (settable with
 * `x0bpf load --set target_tgid=PID`) limits it to one process; 0 means every process.
 */
#include "x0bpf.h"
#include <bpf/bpf_helpers.h>

#define MAX_SYSCALLS 512
#define SLOTS 32

const volatile __u32 target_tgid = 0;

struct syscall_stats {
	__u64 count;
	__u64 total_ns;
	/* slot i counts latencies in [2^i, 2^(i+1)) ns; slot 0 also takes 0 ns */
	__u64 slots[SLOTS];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct syscall_stats);
} stats SEC(".maps");

static __always_inline int wanted(__u64 pid_tgid)
{
	return target_tgid == 0 || (pid_tgid >> 32) == target_tgid;
}

/* floor(log2(v)) without a loop (the verifier likes straight lines); 0 for v <= 1. */
static __always_inline __u32 log2_slot(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xFFFFFFFFULL) << 5;
	v >>= shift;
	r |= shift;
	shift = (v > 0xFFFF) << 4;
	v >>= shift;
	r |= shift;
	shift = (v > 0xFF) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xF) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (__u32)(v >> 1);
	return r < SLOTS ? r : SLOTS - 1;
}

SEC("tracepoint/raw_syscalls/sys_enter")
int on_sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	__u64 now;

	if (!wanted(id))
		return 0;
	now = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &tid, &now, BPF_ANY);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int on_sys_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	__u64 *t0, delta;
	__u32 nr, slot;
	struct syscall_stats *s;

	if (!wanted(id))
		return 0;
	t0 = bpf_map_lookup_elem(&start, &tid);
	if (!t0)
		return 0;
	delta = bpf_ktime_get_ns() - *t0;
	bpf_map_delete_elem(&start, &tid);

	nr = (__u32)ctx->id;
	if (nr >= MAX_SYSCALLS)
		return 0;
	s = bpf_map_lookup_elem(&stats, &nr);
	if (!s)
		return 0;
	s->count++;
	s->total_ns += delta;
	slot = log2_slot(delta);
	/* Opaque to the optimizer: clang would otherwise drop the mask and bound-check a copy of
	 * the register, which Linux 6.1's verifier cannot follow ("unbounded memory access"). */
	asm volatile("" : "+r"(slot));
	s->slots[slot & (SLOTS - 1)]++;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
