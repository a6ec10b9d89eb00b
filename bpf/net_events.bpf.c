// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * net_events: packet drops with the kernel's reason, TCP state changes and retransmits over a ring buffer.
 *
 * Raw tracepoints only (no kprobes, no tracefs, no perf events): skb:kfree_skb(skb, location,
 * reason), sock:inet_sock_set_state(sk, oldstate, newstate), tcp:tcp_retransmit_skb(sk, skb).
 * Each fires one `struct net_event` into `events`; a record the ring buffer cannot take is
 * counted in `lost` (per-CPU, index 0), never silently dropped. `has_drop_reason` is set by
 * the loader when the running kernel has `enum skb_drop_reason` (5.17+): before that the
 * tracepoint has no third argument, the branch reading it is dead code the verifier skips, and
 * every drop carries reason 0.
 */
#include "x0bpf.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#define TASK_COMM_LEN 16

const volatile __u8 has_drop_reason = 0;

enum net_event_type {
	EV_DROP = 1,
	EV_TCP_STATE = 2,
	EV_RETRANSMIT = 3,
};

struct net_event {
	__u64 ts_ns;      /* bpf_ktime_get_ns (CLOCK_MONOTONIC) */
	__u32 type;       /* enum net_event_type */
	__u32 pid;        /* tgid of the task on the CPU (unrelated in softirq context) */
	char comm[TASK_COMM_LEN];
	__u32 reason;     /* EV_DROP: enum skb_drop_reason value (0 where the kernel has none) */
	__s32 old_state;  /* EV_TCP_STATE: TCP_* states; EV_RETRANSMIT: old_state = current state */
	__s32 new_state;
	__u32 ifindex;    /* EV_DROP: skb->dev (0 when none) */
	__u32 len;        /* EV_DROP: skb->len */
	__u16 family;     /* AF_INET, AF_INET6, or 0 when the addresses are unknown */
	__u16 protocol;   /* L4: IPPROTO_* */
	__u16 sport;      /* host byte order */
	__u16 dport;
	__u16 eth_proto;  /* EV_DROP: skb->protocol, host byte order */
	__u16 pad;
	__u8 saddr[16];   /* IPv4 in the first 4 bytes */
	__u8 daddr[16];
};

/* Puts `struct net_event` into the object's BTF (a ring buffer has no value type), so readers
 * such as `x0bpf tail net_events/events --type 'struct net_event'` can decode the records. */
struct net_event *const event_layout __attribute__((used)) = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

/* Drops per reason, counted before the ring buffer is tried, so a reader that only wants totals
 * (the exporter) never consumes `events`. Bounded: reasons past the last slot share it. */
#define DROP_REASON_SLOTS 512

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DROP_REASON_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} drop_reasons SEC(".maps");

static __always_inline struct net_event *reserve(__u32 type)
{
	struct net_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		__u32 zero = 0;
		__u64 *n = bpf_map_lookup_elem(&lost, &zero);

		if (n)
			*n += 1;
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->type = type;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

static __always_inline void from_sock(struct net_event *e, const struct sock *sk)
{
	e->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->protocol = BPF_CORE_READ(sk, sk_protocol);
	e->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (e->family == AF_INET) {
		BPF_CORE_READ_INTO((__u32 *)e->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)e->daddr, sk, __sk_common.skc_daddr);
	} else if (e->family == AF_INET6) {
		BPF_CORE_READ_INTO((struct in6_addr *)e->saddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO((struct in6_addr *)e->daddr, sk, __sk_common.skc_v6_daddr);
	} else {
		e->family = 0;
	}
}

#define IPV6_EXT_MAX 8

static __always_inline int ipv6_ext(__u8 next)
{
	return next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING || next == IPPROTO_FRAGMENT ||
	       next == IPPROTO_AH || next == IPPROTO_DSTOPTS;
}

/* The L4 protocol behind IPv6 extension headers (hop-by-hop, routing, fragment, destination
 * options, AH), at most IPV6_EXT_MAX of them, reading no further than `end` (the skb's
 * tail): `protocol` is always the transport. *off becomes where its header starts, and
 * *ports says whether its ports are there to read: not in a non-first fragment, nor after a
 * truncated or over-long chain. */
static __always_inline __u16 ipv6_l4(unsigned char *head, __u32 *off, __u32 end, __u8 next,
				     int *ports)
{
	__u32 o = *off;

	*ports = 0;
#pragma unroll
	for (int i = 0; i < IPV6_EXT_MAX; i++) {
		__u8 ext[4];

		if (!ipv6_ext(next))
			break;
		if (o + sizeof(ext) > end || bpf_probe_read_kernel(ext, sizeof(ext), head + o))
			return next;
		if (next == IPPROTO_FRAGMENT) {
			/* Offset (13 bits) and flags: anything but offset 0 has no L4 header. */
			if (((ext[2] << 8) | ext[3]) & 0xfff8)
				return ext[0];
			o += 8;
		} else if (next == IPPROTO_AH) {
			o += ((__u32)ext[1] + 2) * 4; /* length in 4-byte units, minus 2 */
		} else {
			o += ((__u32)ext[1] + 1) * 8;
		}
		next = ext[0];
	}
	if (ipv6_ext(next))
		return next;
	*off = o;
	*ports = o + 4 <= end;
	return next;
}

/* Addresses and ports from the headers the stack has already parsed (network and transport
 * header offsets); left zero when a header is not set yet. IPv6's ports are read where the
 * walk of its extension headers ends, not at transport_header: a packet dropped while those
 * headers are processed has transport_header on the extension header itself. */
static __always_inline void from_skb(struct net_event *e, const struct sk_buff *skb)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u16 th = BPF_CORE_READ(skb, transport_header);
	__u32 end = BPF_CORE_READ(skb, tail);
	__u32 l4 = th;
	int ports_ok = 1;
	__u16 ports[2] = {};

	e->len = BPF_CORE_READ(skb, len);
	e->ifindex = BPF_CORE_READ(skb, dev, ifindex);
	e->eth_proto = bpf_ntohs(BPF_CORE_READ(skb, protocol));
	if (!head || nh == 0xffff)
		return;
	if (e->eth_proto == ETH_P_IP) {
		struct iphdr ip;

		if (bpf_probe_read_kernel(&ip, sizeof(ip), head + nh) || ip.version != 4)
			return;
		e->family = AF_INET;
		e->protocol = ip.protocol;
		__builtin_memcpy(e->saddr, &ip.saddr, 4);
		__builtin_memcpy(e->daddr, &ip.daddr, 4);
		if (th == 0xffff || th <= nh)
			return;
	} else if (e->eth_proto == ETH_P_IPV6) {
		struct ipv6hdr ip6;

		if (bpf_probe_read_kernel(&ip6, sizeof(ip6), head + nh) || ip6.version != 6)
			return;
		e->family = AF_INET6;
		l4 = (__u32)nh + sizeof(ip6);
		e->protocol = ipv6_l4(head, &l4, end, ip6.nexthdr, &ports_ok);
		__builtin_memcpy(e->saddr, ip6.saddr, 16);
		__builtin_memcpy(e->daddr, ip6.daddr, 16);
	} else {
		return;
	}
	if (!ports_ok)
		return;
	if (e->protocol == IPPROTO_TCP || e->protocol == IPPROTO_UDP) {
		if (bpf_probe_read_kernel(ports, sizeof(ports), head + l4) == 0) {
			e->sport = bpf_ntohs(ports[0]);
			e->dport = bpf_ntohs(ports[1]);
		}
	}
}

/* skb:kfree_skb(struct sk_buff *skb, void *location[, enum skb_drop_reason reason]) */
SEC("raw_tp/kfree_skb")
int on_kfree_skb(struct bpf_raw_tracepoint_args *ctx)
{
	const struct sk_buff *skb = (const void *)ctx->args[0];
	__u32 reason = has_drop_reason ? (__u32)ctx->args[2] : 0;
	__u32 slot = reason < DROP_REASON_SLOTS ? reason : DROP_REASON_SLOTS - 1;
	__u64 *n = bpf_map_lookup_elem(&drop_reasons, &slot);
	struct net_event *e;

	if (n)
		*n += 1;
	e = reserve(EV_DROP);
	if (!e)
		return 0;
	e->reason = reason;
	from_skb(e, skb);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* sock:inet_sock_set_state(const struct sock *sk, const int oldstate, const int newstate) */
SEC("raw_tp/inet_sock_set_state")
int on_sock_set_state(struct bpf_raw_tracepoint_args *ctx)
{
	const struct sock *sk = (const void *)ctx->args[0];
	struct net_event *e;

	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	e = reserve(EV_TCP_STATE);
	if (!e)
		return 0;
	e->old_state = (__s32)ctx->args[1];
	e->new_state = (__s32)ctx->args[2];
	from_sock(e, sk);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* tcp:tcp_retransmit_skb(const struct sock *sk, const struct sk_buff *skb) */
SEC("raw_tp/tcp_retransmit_skb")
int on_tcp_retransmit(struct bpf_raw_tracepoint_args *ctx)
{
	const struct sock *sk = (const void *)ctx->args[0];
	struct net_event *e = reserve(EV_RETRANSMIT);

	if (!e)
		return 0;
	from_sock(e, sk);
	e->old_state = BPF_CORE_READ(sk, __sk_common.skc_state);
	e->new_state = e->old_state;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
