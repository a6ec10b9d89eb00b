/* Maps of every kind `x0bpf map` and `x0bpf tail` read, with BTF types exercising the decoder:
 * struct keys, enums, char[], bitfields, anonymous unions, nested structs, arrays, bool,
 * pointers, per-CPU values. `emit` (XDP) writes 1000 numbered 32-byte records into `events`
 * per run (BPF_PROG_TEST_RUN), through bpf_loop. Self-contained: no kernel headers.
 * -DRB_SIZE=N sets the ring buffer size (benchmarks use a large one). */
#define SEC(n) __attribute__((section(n), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __array(name, val) typeof(val) *name[]
#ifndef RB_SIZE
#define RB_SIZE (1 << 20)
#endif

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef long long __s64;

enum proto { P_ICMP = 1, P_TCP = 6, P_UDP = 17 };

struct flow_key {
	__u32 saddr;
	__u16 sport;
	__u8 proto;
	__u8 pad;
};

struct stats {
	__u64 packets;
	__s64 delta;
	enum proto proto;
	char comm[16];
	unsigned int a : 1, b : 3, c : 12;
	int s : 5;
	union {
		__u32 u32v;
		__u16 u16v;
	};
	struct {
		__u8 x, y;
	} point;
	__u16 arr[3];
	_Bool ok;
	unsigned long ptr_like;
};

struct counters {
	__u64 packets;
	__u64 bytes;
};

struct event {
	__u64 seq;
	__u64 x;
	__u32 pid;
	__u32 kind;
	char tag[8];
};

struct {
	__uint(type, 1); /* HASH */
	__uint(max_entries, 64);
	__type(key, struct flow_key);
	__type(value, struct stats);
} flows SEC(".maps");

struct {
	__uint(type, 2); /* ARRAY */
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct stats);
} arr SEC(".maps");

struct {
	__uint(type, 5); /* PERCPU_HASH */
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct counters);
} pcpu_hash SEC(".maps");

struct {
	__uint(type, 6); /* PERCPU_ARRAY */
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} pcpu_arr SEC(".maps");

struct {
	__uint(type, 9); /* LRU_HASH */
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} lru SEC(".maps");

struct {
	__uint(type, 27); /* RINGBUF */
	__uint(max_entries, RB_SIZE);
} events SEC(".maps");

struct {
	__uint(type, 22); /* QUEUE */
	__uint(max_entries, 8);
	__type(value, __u32);
} q SEC(".maps");

struct {
	__uint(type, 23); /* STACK */
	__uint(max_entries, 8);
	__type(value, __u32);
} stk SEC(".maps");

struct {
	__uint(type, 30); /* BLOOM_FILTER */
	__uint(max_entries, 64);
	__type(value, __u32);
} bloom SEC(".maps");

struct inner {
	__uint(type, 2);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} inner1 SEC(".maps");

struct {
	__uint(type, 12); /* ARRAY_OF_MAPS */
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps") = { .values = { &inner1 } };

struct {
	__uint(type, 2);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} seqno SEC(".maps");

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_ringbuf_output)(void *rb, void *data, __u64 size, __u64 flags) = (void *)130;
static long (*bpf_loop)(__u32 n, void *fn, void *ctx, __u64 flags) = (void *)181;

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
	e->tag[0] = 'e';
	e->tag[1] = 'v';
	return 0;
}

static long one(__u32 i, void *ctx)
{
	__u32 k = 0;
	__u64 *s = bpf_map_lookup_elem(&seqno, &k);
	struct event e = {};

	if (!s)
		return 1;
	fill(&e, *s);
	*s += 1;
	bpf_ringbuf_output(&events, &e, sizeof(e), 0);
	return 0;
}

SEC("xdp")
int emit(struct xdp_md *ctx)
{
	bpf_loop(1000, one, 0, 0);
	/* Keep the other maps referenced so the object's programs use them. */
	__u32 k = 0;
	if (bpf_map_lookup_elem(&arr, &k) ||
	    bpf_map_lookup_elem(&pcpu_hash, &k) || bpf_map_lookup_elem(&pcpu_arr, &k) ||
	    bpf_map_lookup_elem(&lru, &k) || bpf_map_lookup_elem(&outer, &k))
		return 2;
	return 2; /* XDP_PASS */
}

char __license[] SEC("license") = "GPL";
