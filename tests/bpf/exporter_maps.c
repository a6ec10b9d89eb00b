/* Maps for the exporter's --config tests: a hash keyed by a struct with an IPv4 address, an
 * ifindex and an enum, valued by a struct of counters; and a log2 histogram keyed by
 * (group, slot). The maps are created and filled by bpftool in the tests, not by x0bpf.
 * Self-contained: no kernel headers. */
#define SEC(n) __attribute__((section(n), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

typedef unsigned int __u32;
typedef unsigned long long __u64;

enum color { RED = 1, GREEN = 2 };

struct conn_key {
	__u32 addr;     /* IPv4, network order */
	__u32 ifindex;
	enum color color;
};

struct conn_val {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, 1); /* BPF_MAP_TYPE_HASH */
	__uint(max_entries, 64);
	__type(key, struct conn_key);
	__type(value, struct conn_val);
} conns SEC(".maps");

struct hist_key {
	__u32 group;
	__u32 slot;
};

struct {
	__uint(type, 1);
	__uint(max_entries, 256);
	__type(key, struct hist_key);
	__type(value, __u64);
} lat SEC(".maps");

SEC("xdp")
int touch(void *ctx)
{
	return 2; /* XDP_PASS */
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
