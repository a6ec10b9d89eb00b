/* Programs whose verdict is easy to get wrong, for `x0bpf explain`: the verdict lives in a stack
 * slot that something else overwrites (a subprogram through a pointer, a helper filling a
 * buffer), or a legacy packet load ends the program with 0. None of them may be said to
 * "never drop". Self-contained: no headers. */
#define SEC(n) __attribute__((section(n), used))
#define __noinline __attribute__((noinline))

typedef unsigned int __u32;
typedef unsigned long long __u64;

enum { XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT };

struct xdp_md {
	__u32 data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex;
};
struct __sk_buff {
	__u32 len;
};

struct {
	int (*type)[22]; /* BPF_MAP_TYPE_QUEUE */
	int (*max_entries)[4];
	__u64 *value;
} verdicts SEC(".maps");

static long (*bpf_map_pop_elem)(void *map, void *value) = (void *)88;
unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");

static __noinline int set_drop(__u64 *v)
{
	*v = XDP_DROP;
	return 0;
}

/* XDP_PASS is stored, then the subprogram replaces it: the kernel says XDP_DROP. */
SEC("xdp") int tricky_callee(struct xdp_md *ctx)
{
	volatile __u64 act = XDP_PASS;
	set_drop((__u64 *)&act);
	return act;
}

/* The verdict is whatever was queued, XDP_PASS only when the queue is empty. */
SEC("xdp") int tricky_pop(struct xdp_md *ctx)
{
	__u64 v = XDP_PASS;
	asm volatile("" : "+m"(v));
	bpf_map_pop_elem(&verdicts, &v);
	return v;
}

/* Past the packet's end, load_byte ends the program with 0: the packet is dropped. */
SEC("socket") int tricky_sock(struct __sk_buff *skb)
{
	if (load_byte(skb, 100) == 6)
		return -1;
	return 64;
}

struct {
	int (*type)[3]; /* BPF_MAP_TYPE_PROG_ARRAY */
	int (*max_entries)[1];
	__u32 *key;
	__u32 *value;
} next_stage SEC(".maps");

static long (*bpf_tail_call)(void *ctx, void *map, __u32 index) = (void *)12;

/* XDP_PASS only when the tail call fails: the next stage's verdict is unknown here. */
SEC("xdp") int tricky_tail(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &next_stage, 0);
	return XDP_PASS;
}

/* Not an XDP action: the verifier lets it through, drivers drop the packet. */
SEC("xdp") int tricky_bad_action(struct xdp_md *ctx)
{
	return 9;
}

char _license[] SEC("license") = "GPL";
