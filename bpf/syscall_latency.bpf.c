// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * syscall_latency: per-syscall call count, error count, total latency and a log2 latency histogram.
 *
 * Built on the raw_syscalls tracepoints (no kprobes needed): sys_enter stores the start time
 * and the syscall number keyed by thread id, sys_exit computes the latency. Two flavours of
 * the same code: `on_sys_enter`/`on_sys_exit` for tracefs tracepoints (`x0bpf attach
 * tracepoint`), `raw_sys_enter`/`raw_sys_exit` for raw tracepoints (no tracefs, no perf event;
 * what `x0bpf syscalls` attaches). Filters are load-time constants (`--set VAR=VALUE`):
 * `target_tgid` (process), `target_pid` (thread), `target_comm` (task name, exact) and
 * `target_cgroup` (cgroup v2 id); 0 / "" means no filter. The in-flight map is an LRU hash
 * keyed by thread: bounded, and the entries of threads that are gone are evicted, never leaked.
 */
#include "x0bpf.h"
#include <bpf/bpf_helpers.h>

#define MAX_SYSCALLS 512
#define SLOTS 32
#define TASK_COMM_LEN 16

const volatile __u32 target_tgid = 0;
const volatile __u32 target_pid = 0;
const volatile __u64 target_cgroup = 0;
const volatile char target_comm[TASK_COMM_LEN] = {};
/* The reader's own process: `x0bpf syscalls` would otherwise count its own bpf() and
 * nanosleep calls. 0: count every process. */
const volatile __u32 exclude_tgid = 0;
/* Where x0bpf runs in a PID namespace other than the initial one, its pid there is not the
 * kernel's tgid: the exclusion then compares in that namespace (its nsfs device and inode)
 * through bpf_get_ns_current_pid_tgid (5.7+). 0: exclude_tgid is a global tgid. */
const volatile __u64 exclude_pidns_dev = 0;
const volatile __u64 exclude_pidns_ino = 0;

struct syscall_stats {
	__u64 count;
	__u64 errors; /* calls that returned a negative value (-errno) */
	__u64 total_ns;
	/* slot i counts latencies in [2^i, 2^(i+1)) ns; slot 0 also takes 0 ns */
	__u64 slots[SLOTS];
};

struct inflight {
	__u64 start_ns;
	__u64 nr;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct inflight);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct syscall_stats);
} stats SEC(".maps");

static __always_inline int wanted(__u64 pid_tgid)
{
	if (exclude_tgid && exclude_pidns_ino) {
		struct bpf_pidns_info ns = {};

		/* Fails for tasks outside that namespace: they are not us. */
		if (!bpf_get_ns_current_pid_tgid(exclude_pidns_dev, exclude_pidns_ino, &ns,
						 sizeof(ns)) &&
		    ns.tgid == exclude_tgid)
			return 0;
	} else if (exclude_tgid && (pid_tgid >> 32) == exclude_tgid) {
		return 0;
	}
	if (target_tgid && (pid_tgid >> 32) != target_tgid)
		return 0;
	if (target_pid && (__u32)pid_tgid != target_pid)
		return 0;
	if (target_cgroup && bpf_get_current_cgroup_id() != target_cgroup)
		return 0;
	if (target_comm[0]) {
		char comm[TASK_COMM_LEN] = {};

		bpf_get_current_comm(comm, sizeof(comm));
#pragma unroll
		for (int i = 0; i < TASK_COMM_LEN; i++) {
			if (comm[i] != target_comm[i])
				return 0;
			if (comm[i] == 0)
				break;
		}
	}
	return 1;
}

/*
 * A thread's entry is created once and then reused: sys_enter writes the start time into it,
 * sys_exit consumes it by zeroing the start time. A lookup and two stores per syscall instead
 * of an update and a delete, which for a hash map cost an element allocation and a free each.
 */
static __always_inline void enter(long nr)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct inflight *f, init;

	if (!wanted(id))
		return;
	f = bpf_map_lookup_elem(&start, &tid);
	if (f) {
		f->nr = nr;
		f->start_ns = bpf_ktime_get_ns();
		return;
	}
	init.nr = nr;
	init.start_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &tid, &init, BPF_ANY);
}

static __always_inline void leave(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct inflight *f;
	struct syscall_stats *s;
	__u64 delta;
	__u32 nr, slot;

	/* No filter here: a thread is in `start` only if it passed at sys_enter. */
	f = bpf_map_lookup_elem(&start, &tid);
	if (!f || !f->start_ns)
		return;
	delta = bpf_ktime_get_ns() - f->start_ns;
	nr = (__u32)f->nr;
	f->start_ns = 0; /* consumed: an exit without a new enter is not counted twice */
	if (nr >= MAX_SYSCALLS)
		return;
	s = bpf_map_lookup_elem(&stats, &nr);
	if (!s)
		return;
	s->count++;
	if (ret < 0)
		s->errors++;
	s->total_ns += delta;
	slot = x0_log2(delta, SLOTS);
	/* Opaque to the optimizer: clang would otherwise drop the mask and bound-check a copy of
	 * the register, which Linux 6.1's verifier cannot follow ("unbounded memory access"). */
	asm volatile("" : "+r"(slot));
	s->slots[slot & (SLOTS - 1)]++;
}

SEC("tracepoint/raw_syscalls/sys_enter")
int on_sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	enter(ctx->id);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int on_sys_exit(struct trace_event_raw_sys_exit *ctx)
{
	leave(ctx->ret);
	return 0;
}

/* raw_syscalls:sys_enter(struct pt_regs *regs, long id) */
SEC("raw_tp/sys_enter")
int raw_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	enter((long)ctx->args[1]);
	return 0;
}

/* raw_syscalls:sys_exit(struct pt_regs *regs, long ret) */
SEC("raw_tp/sys_exit")
int raw_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	leave((long)ctx->args[1]);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
