/* bench kill tests: an XDP program that updates an array map, both under unique kernel names
 * (PROG_NAME, MAP_NAME), so a leftover program or map of one run can be told apart. */
#define SEC(n) __attribute__((section(n), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

struct xdp_md {
	unsigned int data, data_end;
};

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

struct {
	__uint(type, 2); /* BPF_MAP_TYPE_ARRAY */
	__uint(max_entries, 1);
	__type(key, unsigned int);
	__type(value, unsigned long long);
} MAP_NAME SEC(".maps");

SEC("xdp")
int PROG_NAME(struct xdp_md *ctx)
{
	unsigned int k = 0;
	unsigned long long *v = bpf_map_lookup_elem(&MAP_NAME, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 2; /* XDP_PASS */
}

char LICENSE[] SEC("license") = "GPL";
