/* A perf event array filled by `emit_perf` (XDP, run with BPF_PROG_TEST_RUN): one numbered
 * 32-byte record per run, written with bpf_perf_event_output on the current CPU.
 * Self-contained: no kernel headers. */
#define SEC(n) __attribute__((section(n), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

typedef unsigned int __u32;
typedef unsigned long long __u64;

struct event {
	__u64 seq;
	__u64 x;
	__u32 pid;
	__u32 kind;
	char tag[8];
};

struct {
	__uint(type, 4); /* PERF_EVENT_ARRAY; libbpf sizes it to the possible CPUs */
	__uint(key_size, 4);
	__uint(value_size, 4);
} perf_events SEC(".maps");

struct {
	__uint(type, 2);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} pseq SEC(".maps");

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_perf_event_output)(void *ctx, void *map, __u64 flags, void *data,
				     __u64 size) = (void *)25;

struct xdp_md {
	__u32 data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex;
};

/* A subprogram taking struct event puts the type into BTF (local variables alone do not). */
static __attribute__((noinline)) int fill(struct event *e, __u64 seq)
{
	e->seq = seq;
	e->x = seq * 3;
	e->pid = 42;
	e->kind = 7;
	e->tag[0] = 'p';
	e->tag[1] = 'f';
	return 0;
}

SEC("xdp")
int emit_perf(struct xdp_md *ctx)
{
	__u32 k = 0;
	__u64 *s = bpf_map_lookup_elem(&pseq, &k);
	struct event e = {};

	if (!s)
		return 2;
	fill(&e, *s);
	*s += 1;
	bpf_perf_event_output(ctx, &perf_events, 0xffffffffULL /* BPF_F_CURRENT_CPU */, &e,
			      sizeof(e));
	return 2; /* XDP_PASS */
}

char __license[] SEC("license") = "GPL";
