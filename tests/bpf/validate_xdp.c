/* validate --verify: an XDP program the verifier accepts, or with -DOOB one that reads the
 * packet without a bounds check (rejected). -DNO_MAP drops the map so the object can be built
 * without -g (no BTF). PROG and MAPNAME make names unique per test. */
#define SEC(n) __attribute__((section(n), used))
#ifndef PROG
#define PROG xdp_check
#endif
#ifndef MAPNAME
#define MAPNAME xdp_hits
#endif

struct xdp_md {
	unsigned int data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex;
};

#ifndef NO_MAP
struct {
	int (*type)[2]; /* BPF_MAP_TYPE_ARRAY */
	int (*max_entries)[1];
	unsigned int *key;
	unsigned long long *value;
} MAPNAME SEC(".maps");
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
#endif

SEC("xdp")
int PROG(struct xdp_md *ctx)
{
	unsigned char *data = (unsigned char *)(long)ctx->data;
	unsigned char *end = (unsigned char *)(long)ctx->data_end;

#ifndef NO_MAP
	unsigned int k = 0;
	unsigned long long *hits = bpf_map_lookup_elem(&MAPNAME, &k);

	if (hits)
		__sync_fetch_and_add(hits, 1);
#endif
#ifndef OOB
	if (data + 14 > end)
		return 2; /* XDP_PASS */
#endif
	return data[12] == 0x08 ? 2 : 1; /* OOB_READ when not bounds-checked */
}

char LICENSE[] SEC("license") = "GPL";
