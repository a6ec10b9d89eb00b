// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tc_classifier: per-flow counters per direction, TCP flags, handshake RTT and inter-arrival histograms at tc ingress/egress.
 *
 * A flow is (ifindex, family, protocol, local address and port, remote address and port), seen
 * from this host: at egress the source is local, at ingress the destination is. One object
 * attached at ingress and egress of an interface shares one table, so a flow's two directions
 * meet in one entry. Direction: ingress when skb->ingress_ifindex == skb->ifindex (the packet
 * arrived on this device), egress otherwise. Ports are found behind IPv4 options and IPv6
 * extension headers; non-first fragments carry no ports (0). The table is an LRU hash:
 * `totals.flows_created` minus the entries present is the number evicted. Handshake RTT at
 * this hook: SYN (egress) -> SYN/ACK (ingress) for outgoing connections, SYN/ACK (egress) ->
 * ACK (ingress) for incoming ones; it needs the program on both directions. Never changes the
 * verdict: it returns TC_ACT_UNSPEC (TCX_NEXT), so the next program on the hook (tcx) or the
 * next filter (clsact, direct-action) still decides; TC_ACT_OK would end the chain there.
 */
#include "x0bpf.h"

/* TC_ACT_UNSPEC, TCX_NEXT: "no opinion, continue" on tcx and in cls_bpf direct-action. */
#define X0_TC_NEXT (-1)
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define SLOTS 32
#define DIR_INGRESS 0
#define DIR_EGRESS 1

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

enum hs_state {
	HS_NONE = 0,
	HS_SYN_OUT = 1,    /* SYN seen leaving: waiting for the SYN/ACK */
	HS_SYN_IN = 2,     /* SYN seen arriving: waiting for our SYN/ACK */
	HS_SYNACK_OUT = 3, /* our SYN/ACK left: waiting for the ACK */
	HS_DONE = 4,
};

struct flow_key {
	__u32 ifindex;
	__u8 family; /* 4 or 6 */
	__u8 proto;  /* IPPROTO_* */
	__u16 lport; /* host byte order; 0 for protocols without ports */
	__u16 rport;
	__u16 pad;
	__u8 laddr[16]; /* IPv4 in the first 4 bytes */
	__u8 raddr[16];
};

struct dir_counts {
	__u64 packets;
	__u64 bytes;
};

struct flow_stats {
	__u64 first_ns; /* bpf_ktime_get_ns of the first and last packet */
	__u64 last_ns;
	struct dir_counts dir[2]; /* [0] ingress (received), [1] egress (sent) */
	__u64 hs_ns;  /* when the handshake packet we wait on the answer to was seen */
	__u64 rtt_ns; /* last handshake round trip, 0 if none measured */
	__u32 tcp_flags; /* OR of the TCP flags seen (both directions) */
	__u32 hs_state;  /* enum hs_state */
	/* log2 histograms, slot i = [2^i, 2^(i+1)) ns, slot 0 also 0 */
	__u32 rtt_slots[SLOTS];
	__u32 gap_slots[SLOTS]; /* time since the flow's previous packet, either direction */
};

struct tc_totals {
	__u64 packets;  /* every packet seen, parsed or not */
	__u64 bytes;
	__u64 flows_created;
	__u64 unparsed; /* not IPv4/IPv6, or headers truncated */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tc_totals);
} totals SEC(".maps");

static __always_inline int l4_info(void *l4, void *data_end, __u8 proto, __u16 *sport,
				   __u16 *dport, __u32 *flags)
{
	if (proto == IPPROTO_UDP) {
		struct udphdr *u = l4;

		if ((void *)(u + 1) > data_end)
			return -1;
		*sport = bpf_ntohs(u->source);
		*dport = bpf_ntohs(u->dest);
	} else if (proto == IPPROTO_TCP) {
		struct tcphdr *t = l4;

		if ((void *)(t + 1) > data_end)
			return -1;
		*sport = bpf_ntohs(t->source);
		*dport = bpf_ntohs(t->dest);
		/* flags: the low byte of the 16-bit word after ack_seq (network order) */
		*flags = bpf_ntohs(t->flags) & 0xff;
	}
	return 0;
}

static __always_inline void handshake(struct flow_stats *s, __u32 dir, __u32 f, __u64 now)
{
	__u32 slot;
	__u64 rtt;

	if (!(f & (TCP_SYN | TCP_ACK)))
		return;
	if ((f & TCP_SYN) && !(f & TCP_ACK)) {
		s->hs_state = dir == DIR_EGRESS ? HS_SYN_OUT : HS_SYN_IN;
		s->hs_ns = now;
		return;
	}
	if ((f & TCP_SYN) && (f & TCP_ACK)) {
		if (dir == DIR_INGRESS && s->hs_state == HS_SYN_OUT)
			goto measured;
		if (dir == DIR_EGRESS && s->hs_state == HS_SYN_IN) {
			s->hs_state = HS_SYNACK_OUT;
			s->hs_ns = now;
		}
		return;
	}
	/* a bare ACK */
	if (dir == DIR_INGRESS && s->hs_state == HS_SYNACK_OUT)
		goto measured;
	return;
measured:
	rtt = now - s->hs_ns;
	s->rtt_ns = rtt;
	s->hs_state = HS_DONE;
	slot = x0_log2(rtt, SLOTS);
	asm volatile("" : "+r"(slot));
	__sync_fetch_and_add(&s->rtt_slots[slot & (SLOTS - 1)], 1);
}

SEC("tc")
int tc_classify(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct flow_key key = {};
	__u64 len = skb->len;
	__u32 dir = skb->ingress_ifindex == skb->ifindex ? DIR_INGRESS : DIR_EGRESS;
	__u16 sport = 0, dport = 0;
	__u8 saddr[16] = {}, daddr[16] = {};
	__u32 flags = 0, zero = 0, slot;
	struct tc_totals *t;
	struct flow_stats *s;
	void *l4 = 0;
	__u64 now;
	int proto = -1;

	t = bpf_map_lookup_elem(&totals, &zero);
	if (t) {
		t->packets += 1;
		t->bytes += len;
	}
	if ((void *)(eth + 1) > data_end)
		goto unparsed;

	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		__u32 ihl;

		if ((void *)(ip + 1) > data_end || ip->version != 4 || ip->ihl < 5)
			goto unparsed;
		ihl = ip->ihl * 4;
		if ((void *)ip + ihl > data_end)
			goto unparsed; /* header longer than the packet */
		key.family = 4;
		proto = ip->protocol;
		__builtin_memcpy(saddr, &ip->saddr, 4);
		__builtin_memcpy(daddr, &ip->daddr, 4);
		/* no ports in a non-first fragment */
		if (!(ip->frag_off & bpf_htons(0x1fff)))
			l4 = (void *)ip + ihl;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		void *cursor = ip6 + 1;

		if ((void *)(ip6 + 1) > data_end)
			goto unparsed;
		key.family = 6;
		__builtin_memcpy(saddr, ip6->saddr, 16);
		__builtin_memcpy(daddr, ip6->daddr, 16);
		proto = x0_ipv6_skip(&cursor, data_end, ip6->nexthdr);
		if (proto < 0)
			goto unparsed;
		l4 = cursor;
	} else {
		goto unparsed;
	}
	key.proto = proto;
	if (l4 && l4 <= data_end)
		l4_info(l4, data_end, key.proto, &sport, &dport, &flags);

	key.ifindex = skb->ifindex;
	if (dir == DIR_EGRESS) {
		key.lport = sport;
		key.rport = dport;
		__builtin_memcpy(key.laddr, saddr, 16);
		__builtin_memcpy(key.raddr, daddr, 16);
	} else {
		key.lport = dport;
		key.rport = sport;
		__builtin_memcpy(key.laddr, daddr, 16);
		__builtin_memcpy(key.raddr, saddr, 16);
	}

	now = bpf_ktime_get_ns();
	s = bpf_map_lookup_elem(&flows, &key);
	if (!s) {
		struct flow_stats init = {};

		init.first_ns = now;
		init.last_ns = now;
		if (bpf_map_update_elem(&flows, &key, &init, BPF_NOEXIST) == 0 && t)
			t->flows_created += 1;
		s = bpf_map_lookup_elem(&flows, &key);
		if (!s)
			return X0_TC_NEXT;
	} else {
		__u64 gap = now - s->last_ns;

		if ((__s64)gap < 0)
			gap = 0;
		slot = x0_log2(gap, SLOTS);
		asm volatile("" : "+r"(slot));
		__sync_fetch_and_add(&s->gap_slots[slot & (SLOTS - 1)], 1);
		s->last_ns = now;
	}
	__sync_fetch_and_add(&s->dir[dir & 1].packets, 1);
	__sync_fetch_and_add(&s->dir[dir & 1].bytes, len);
	if (key.proto == IPPROTO_TCP && flags) {
		s->tcp_flags |= flags; /* racy across CPUs, but flags only accumulate */
		handshake(s, dir, flags, now);
	}
	return X0_TC_NEXT;

unparsed:
	if (t)
		t->unparsed += 1;
	return X0_TC_NEXT;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
