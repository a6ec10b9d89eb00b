// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdp_counter: per-interface, per-protocol packet and byte counters. Never drops: always XDP_PASS.
 *
 * Fast path: one per-CPU *array* slot, index = ifindex * NIDX + class, for untagged frames on
 * interfaces with ifindex < MAX_FAST_IFINDEX and the common classes (IPv4/IPv6 TCP, UDP, ICMP,
 * ARP, malformed IPv4/IPv6, runts). Everything else (VLAN-tagged frames, other EtherTypes and
 * L4 protocols, large ifindexes) goes to a per-CPU hash keyed by the full description.
 * IPv6 extension headers are skipped (at most 6) to the real L4 protocol; an IP header that is
 * truncated, has the wrong version or a bad length is counted as malformed, not as a protocol.
 * Values are per-CPU so the fast path never contends on a cache line; user space sums them.
 */
#include "x0bpf.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define MAX_VLAN_DEPTH 2
#define MAX_FAST_IFINDEX 64
#define NIDX 16

/* The fast-path classes: slot `ifindex * NIDX + class` of `counts`. */
enum x0_class {
	CLASS_OTHER = 0, /* never used in `counts`: such frames go to `other_counts` */
	CLASS_IPV4_TCP = 1,
	CLASS_IPV4_UDP = 2,
	CLASS_IPV4_ICMP = 3,
	CLASS_IPV6_TCP = 4,
	CLASS_IPV6_UDP = 5,
	CLASS_IPV6_ICMPV6 = 6,
	CLASS_ARP = 7,
	CLASS_IPV4_MALFORMED = 8,
	CLASS_IPV6_MALFORMED = 9,
	CLASS_RUNT = 10, /* shorter than an Ethernet header */
};

/* Key of the fallback hash. `malformed` is 1 for a bad IP header (ip_proto then 0). */
struct proto_key {
	__u32 ifindex;
	__u16 eth_proto; /* host byte order, after up to two VLAN tags */
	__u8 ip_proto;   /* L4 protocol for IPv4/IPv6 (after IPv6 extension headers), 0 otherwise */
	__u8 vlan_depth; /* VLAN tags seen (0..2) */
	__u8 malformed;
	__u8 pad[3];
};

struct counters {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAX_FAST_IFINDEX * NIDX);
	__type(key, __u32);
	__type(value, struct counters);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct proto_key);
	__type(value, struct counters);
} other_counts SEC(".maps");

static __always_inline void bump(struct counters *c, __u64 len)
{
	c->packets += 1;
	c->bytes += len;
}

/* The slow path: built only here, so the fast path stores no key on the stack. */
static __always_inline int count_other(__u32 ifindex, __u32 eth_proto, __u32 ip_proto,
				       __u32 vlan_depth, __u32 malformed, __u64 len)
{
	struct proto_key k = {};
	struct proto_key *key = &k;
	struct counters *c;

	k.ifindex = ifindex;
	k.eth_proto = eth_proto;
	k.ip_proto = ip_proto;
	k.vlan_depth = vlan_depth;
	k.malformed = malformed;
	c = bpf_map_lookup_elem(&other_counts, key);

	if (c) {
		bump(c, len);
	} else {
		struct counters init = { .packets = 1, .bytes = len };

		/* Per-CPU: only this CPU writes its copy, but another CPU may create the key
		 * first; NOEXIST then fails and the lookup finds theirs. */
		if (bpf_map_update_elem(&other_counts, key, &init, BPF_NOEXIST) != 0) {
			c = bpf_map_lookup_elem(&other_counts, key);
			if (c)
				bump(c, len);
		}
	}
	return 0;
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 len = data_end - data;
	__u32 ifindex = ctx->ingress_ifindex;
	__u32 vlan_depth = 0, ip_proto = 0, malformed = 0;
	struct ethhdr *eth = data;
	__u32 class = CLASS_OTHER;
	void *cursor;
	__u16 proto = 0;

	if ((void *)(eth + 1) > data_end) {
		class = CLASS_RUNT;
		goto out;
	}
	proto = bpf_ntohs(eth->h_proto);
	cursor = eth + 1;

#pragma unroll
	for (int i = 0; i < MAX_VLAN_DEPTH; i++) {
		struct vlan_hdr *vlan = cursor;

		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		if ((void *)(vlan + 1) > data_end)
			break;
		proto = bpf_ntohs(vlan->h_vlan_encapsulated_proto);
		cursor = vlan + 1;
		vlan_depth++;
	}

	if (proto == ETH_P_IP) {
		struct iphdr *ip = cursor;

		if ((void *)(ip + 1) > data_end || ip->version != 4 || ip->ihl < 5 ||
		    (void *)ip + ip->ihl * 4 > data_end) {
			malformed = 1;
			class = CLASS_IPV4_MALFORMED;
		} else {
			ip_proto = ip->protocol;
			if (ip_proto == IPPROTO_TCP)
				class = CLASS_IPV4_TCP;
			else if (ip_proto == IPPROTO_UDP)
				class = CLASS_IPV4_UDP;
			else if (ip_proto == IPPROTO_ICMP)
				class = CLASS_IPV4_ICMP;
		}
	} else if (proto == ETH_P_IPV6) {
		struct ipv6hdr *ip6 = cursor;
		int l4 = -1;

		if ((void *)(ip6 + 1) <= data_end && ip6->version == 6) {
			cursor = ip6 + 1;
			l4 = x0_ipv6_skip(&cursor, data_end, ip6->nexthdr);
		}
		if (l4 < 0) {
			malformed = 1;
			class = CLASS_IPV6_MALFORMED;
		} else {
			ip_proto = l4;
			if (l4 == IPPROTO_TCP)
				class = CLASS_IPV6_TCP;
			else if (l4 == IPPROTO_UDP)
				class = CLASS_IPV6_UDP;
			else if (l4 == IPPROTO_ICMPV6)
				class = CLASS_IPV6_ICMPV6;
		}
	} else if (proto == ETH_P_ARP) {
		class = CLASS_ARP;
	}

out:
	if (class != CLASS_OTHER && vlan_depth == 0 && ifindex < MAX_FAST_IFINDEX) {
		__u32 idx = ifindex * NIDX + class;
		struct counters *c = bpf_map_lookup_elem(&counts, &idx);

		if (c)
			bump(c, len);
		return XDP_PASS;
	}
	count_other(ifindex, proto, ip_proto, vlan_depth, malformed, len);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
