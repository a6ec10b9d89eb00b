/* The map layout of xdp_counter before per-interface counters (proto_stats + runt_stats):
 * `x0bpf stats` must refuse it as "loaded by an older x0bpf", never decode it. */
#define SEC(n) __attribute__((section(n), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;

struct proto_key {
	__u16 eth_proto;
	__u8 ip_proto;
	__u8 vlan_depth;
};

struct counters {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, 5); /* PERCPU_HASH */
	__uint(max_entries, 1024);
	__type(key, struct proto_key);
	__type(value, struct counters);
} proto_stats SEC(".maps");

struct {
	__uint(type, 6); /* PERCPU_ARRAY */
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct counters);
} runt_stats SEC(".maps");

SEC("xdp") int xdp_count(void *ctx) { return 2; }

char LICENSE[] SEC("license") = "GPL";
