/* Test objects for `x0bpf explain`, in the style of xdp-tools' programs: a filter that drops on
 * one path (xdp-filter), a redirect through a devmap (xdp-forward / xdp_redirect_map), and a
 * program whose verdict comes from a bpf-to-bpf subprogram. Self-contained: no headers. */
#define SEC(n) __attribute__((section(n), used))
#define __noinline __attribute__((noinline))

enum { XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT };

struct xdp_md {
	unsigned int data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex;
};

struct ethhdr {
	unsigned char h_dest[6], h_source[6];
	unsigned short h_proto;
};

struct {
	int (*type)[2]; /* BPF_MAP_TYPE_ARRAY */
	int (*max_entries)[4];
	unsigned int *key;
	unsigned long long *value;
} filter_hits SEC(".maps");

struct {
	int (*type)[14]; /* BPF_MAP_TYPE_DEVMAP */
	int (*max_entries)[8];
	unsigned int *key;
	unsigned int *value;
} tx_ports SEC(".maps");

struct {
	int (*type)[3]; /* BPF_MAP_TYPE_PROG_ARRAY */
	int (*max_entries)[4];
	unsigned int *key;
	unsigned int *value;
} jmp_table SEC(".maps");

struct {
	int (*type)[27]; /* BPF_MAP_TYPE_RINGBUF */
	int (*max_entries)[4096];
} samples SEC(".maps");

static long (*bpf_tail_call)(void *ctx, void *map, unsigned int idx) = (void *)12;
static long (*bpf_ringbuf_output)(void *rb, void *data, unsigned long long size,
				  unsigned long long flags) = (void *)130;
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_redirect_map)(void *map, unsigned long long key, unsigned long long flags) = (void *)51;

/* Drops frames too short for an Ethernet header and IPv6 (0x86dd, network order), counts
 * the drops; passes the rest. */
SEC("xdp")
int xdp_filter_v6(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	unsigned int k = 0;
	unsigned long long *n;

	if ((void *)(eth + 1) > end)
		return XDP_ABORTED;
	if (eth->h_proto != 0xdd86)
		return XDP_PASS;
	n = bpf_map_lookup_elem(&filter_hits, &k);
	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_DROP;
}

/* Sends every frame out of the port stored in tx_ports[0]; XDP_PASS when that fails. */
SEC("xdp")
int xdp_fwd(struct xdp_md *ctx)
{
	return bpf_redirect_map(&tx_ports, 0, XDP_PASS);
}

static __noinline int verdict(struct xdp_md *ctx, int len)
{
	if (len < 60)
		return XDP_TX;
	return XDP_PASS;
}

/* The verdict is decided in a subprogram: bounces short frames, passes the others. */
SEC("xdp")
int xdp_sub(struct xdp_md *ctx)
{
	int len = ctx->data_end - ctx->data;

	return verdict(ctx, len);
}

/* Samples each frame's length into a ring buffer, then chains to the next program
 * (xdp-tools' dispatcher style); passes when no program is installed. */
SEC("xdp")
int xdp_chain(struct xdp_md *ctx)
{
	unsigned int len = ctx->data_end - ctx->data;

	bpf_ringbuf_output(&samples, &len, sizeof(len), 0);
	bpf_tail_call(ctx, &jmp_table, 0);
	return XDP_PASS;
}

/* Spreads frames by receive queue: the verdict is computed, not a constant. */
SEC("xdp")
int xdp_by_queue(struct xdp_md *ctx)
{
	return ctx->rx_queue_index & 3;
}

char LICENSE[] SEC("license") = "GPL";
