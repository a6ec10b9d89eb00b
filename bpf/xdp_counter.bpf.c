// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdp_counter: per-protocol packet and byte counters. Never drops: always XDP_PASS.
 *
 * Key = (EtherType after up to two VLAN tags, L4 protocol for IPv4/IPv6 or 0, VLAN tag count).
 * Values are per-CPU so the fast path never contends on a cache line; user space sums them.
 */
#include "x0bpf.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define MAX_VLAN_DEPTH 2

struct proto_key {
	__u16 eth_proto; /* host byte order */
	__u8 ip_proto;   /* IPPROTO_* for IPv4/IPv6, 0 otherwise */
	__u8 vlan_depth; /* VLAN tags seen (0..2) */
};

struct counters {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct proto_key);
	__type(value, struct counters);
} proto_stats SEC(".maps");

/* Frames too short to carry an Ethernet header: counted apart so nothing goes unseen. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct counters);
} runt_stats SEC(".maps");

static __always_inline void bump(struct counters *c, __u64 len)
{
	c->packets += 1;
	c->bytes += len;
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 len = data_end - data;
	struct proto_key key = {};
	struct ethhdr *eth = data;
	void *cursor;
	__u16 proto;

	if ((void *)(eth + 1) > data_end) {
		__u32 zero = 0;
		struct counters *c = bpf_map_lookup_elem(&runt_stats, &zero);

		if (c)
			bump(c, len);
		return XDP_PASS;
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
		key.vlan_depth++;
	}
	key.eth_proto = proto;

	if (proto == ETH_P_IP) {
		struct iphdr *ip = cursor;

		if ((void *)(ip + 1) <= data_end)
			key.ip_proto = ip->protocol;
	} else if (proto == ETH_P_IPV6) {
		struct ipv6hdr *ip6 = cursor;

		if ((void *)(ip6 + 1) <= data_end)
			key.ip_proto = ip6->nexthdr;
	}

	struct counters *c = bpf_map_lookup_elem(&proto_stats, &key);
	if (c) {
		bump(c, len);
	} else {
		struct counters init = { .packets = 1, .bytes = len };

		/* A racing CPU may insert first; NOEXIST then fails and we retry the lookup. */
		if (bpf_map_update_elem(&proto_stats, &key, &init, BPF_NOEXIST) != 0) {
			c = bpf_map_lookup_elem(&proto_stats, &key);
			if (c)
				bump(c, len);
		}
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
