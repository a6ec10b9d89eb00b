// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tc_classifier: per-flow packet and byte counters (IPv4/IPv6 5-tuple) at tc ingress or egress.
 *
 * Flows live in an LRU hash so a flood of new flows evicts old ones instead of failing; a
 * per-CPU total counts every packet, parsed or not. Never changes a verdict: TC_ACT_OK.
 */
#include "x0bpf.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct flow_key {
	__u8 family;   /* 4 or 6 */
	__u8 proto;    /* IPPROTO_* */
	__u16 sport;   /* host byte order; 0 for protocols without ports */
	__u16 dport;
	__u16 pad;
	__u8 saddr[16]; /* IPv4 in the first 4 bytes */
	__u8 daddr[16];
};

struct counters {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct flow_key);
	__type(value, struct counters);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct counters);
} totals SEC(".maps");

static __always_inline void ports(void *l4, void *data_end, __u8 proto, struct flow_key *k)
{
	if (proto == IPPROTO_UDP) {
		struct udphdr *u = l4;

		if ((void *)(u + 1) <= data_end) {
			k->sport = bpf_ntohs(u->source);
			k->dport = bpf_ntohs(u->dest);
		}
	} else if (proto == IPPROTO_TCP) {
		struct tcphdr *t = l4;

		if ((void *)(t + 1) <= data_end) {
			k->sport = bpf_ntohs(t->source);
			k->dport = bpf_ntohs(t->dest);
		}
	}
}

SEC("tc")
int tc_classify(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct flow_key key = {};
	__u64 len = skb->len;
	__u32 zero = 0;
	struct counters *c;

	c = bpf_map_lookup_elem(&totals, &zero);
	if (c) {
		c->packets += 1;
		c->bytes += len;
	}
	if ((void *)(eth + 1) > data_end)
		return TC_ACT_OK;

	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > data_end)
			return TC_ACT_OK;
		key.family = 4;
		key.proto = ip->protocol;
		__builtin_memcpy(key.saddr, &ip->saddr, 4);
		__builtin_memcpy(key.daddr, &ip->daddr, 4);
		if (ip->ihl == 5)
			ports(ip + 1, data_end, key.proto, &key);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end)
			return TC_ACT_OK;
		key.family = 6;
		key.proto = ip6->nexthdr;
		__builtin_memcpy(key.saddr, ip6->saddr, 16);
		__builtin_memcpy(key.daddr, ip6->daddr, 16);
		ports(ip6 + 1, data_end, key.proto, &key);
	} else {
		return TC_ACT_OK;
	}

	c = bpf_map_lookup_elem(&flows, &key);
	if (c) {
		__sync_fetch_and_add(&c->packets, 1);
		__sync_fetch_and_add(&c->bytes, len);
	} else {
		struct counters init = { .packets = 1, .bytes = len };

		if (bpf_map_update_elem(&flows, &key, &init, BPF_NOEXIST) != 0) {
			c = bpf_map_lookup_elem(&flows, &key);
			if (c) {
				__sync_fetch_and_add(&c->packets, 1);
				__sync_fetch_and_add(&c->bytes, len);
			}
		}
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
