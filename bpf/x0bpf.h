/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Minimal kernel and wire-format types for x0bpf's embedded programs.
 *
 * Why not a generated vmlinux.h: it is megabytes of one kernel's types, and these programs
 * need a handful. Kernel structs are declared with preserve_access_index so every field
 * access becomes a CO-RE relocation that libbpf resolves against the running kernel's BTF;
 * packet headers are wire formats whose layout never changes, so they are plain structs.
 */
#ifndef X0BPF_H
#define X0BPF_H

typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef signed short __s16;
typedef unsigned int __u32;
typedef signed int __s32;
typedef unsigned long long __u64;
typedef signed long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;

enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_LPM_TRIE = 11,
	BPF_MAP_TYPE_LRU_PERCPU_HASH = 10,
	BPF_MAP_TYPE_RINGBUF = 27,
};

enum {
	BPF_RB_NO_WAKEUP = 1,
	BPF_RB_FORCE_WAKEUP = 2,
};

enum xdp_action {
	XDP_ABORTED = 0,
	XDP_DROP,
	XDP_PASS,
	XDP_TX,
	XDP_REDIRECT,
};

enum {
	BPF_F_NO_PREALLOC = 1,
};

enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
	BPF_EXIST = 2,
};

/* The XDP context is rewritten by the verifier; CO-RE keeps field offsets honest anyway. */
struct xdp_md {
	__u32 data;
	__u32 data_end;
	__u32 data_meta;
	__u32 ingress_ifindex;
	__u32 rx_queue_index;
	__u32 egress_ifindex;
} __attribute__((preserve_access_index));

/* The socket-buffer context seen by tc programs (UAPI; rewritten by the verifier). */
struct __sk_buff {
	__u32 len;
	__u32 pkt_type;
	__u32 mark;
	__u32 queue_mapping;
	__u32 protocol;
	__u32 vlan_present;
	__u32 vlan_tci;
	__u32 vlan_proto;
	__u32 priority;
	__u32 ingress_ifindex;
	__u32 ifindex;
	__u32 tc_index;
	__u32 cb[5];
	__u32 hash;
	__u32 tc_classid;
	__u32 data;
	__u32 data_end;
} __attribute__((preserve_access_index));

#define TC_ACT_OK 0

/* Tracepoint records of raw_syscalls:sys_enter / sys_exit, resolved by CO-RE. */
struct trace_entry {
	unsigned short type;
	unsigned char flags;
	unsigned char preempt_count;
	int pid;
} __attribute__((preserve_access_index));

struct trace_event_raw_sys_enter {
	struct trace_entry ent;
	long id;
	unsigned long args[6];
} __attribute__((preserve_access_index));

struct trace_event_raw_sys_exit {
	struct trace_entry ent;
	long id;
	long ret;
} __attribute__((preserve_access_index));

#define ETH_ALEN 6
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_ARP 0x0806
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8

struct ethhdr {
	unsigned char h_dest[ETH_ALEN];
	unsigned char h_source[ETH_ALEN];
	__be16 h_proto;
} __attribute__((packed));

struct vlan_hdr {
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
};

struct iphdr {
	__u8 ihl : 4, version : 4;
	__u8 tos;
	__be16 tot_len;
	__be16 id;
	__be16 frag_off;
	__u8 ttl;
	__u8 protocol;
	__u16 check;
	__be32 saddr;
	__be32 daddr;
};

struct udphdr {
	__be16 source;
	__be16 dest;
	__be16 len;
	__u16 check;
};

struct tcphdr {
	__be16 source;
	__be16 dest;
	__be32 seq;
	__be32 ack_seq;
	__u16 flags;
	__be16 window;
	__u16 check;
	__be16 urg_ptr;
};

#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_ICMPV6 58

struct ipv6hdr {
	__u8 priority : 4, version : 4;
	__u8 flow_lbl[3];
	__be16 payload_len;
	__u8 nexthdr;
	__u8 hop_limit;
	__u8 saddr[16];
	__u8 daddr[16];
};

/* Context of raw tracepoints (BPF_PROG_TYPE_RAW_TRACEPOINT): the tracepoint's arguments. */
/* UAPI: what bpf_get_ns_current_pid_tgid fills in. */
struct bpf_pidns_info {
	__u32 pid;
	__u32 tgid;
};

struct bpf_raw_tracepoint_args {
	__u64 args[0];
};

/* Kernel socket and skb fields read (bpf_probe_read_kernel) by net_events; CO-RE matches them
 * by name, also through the anonymous unions and structs the kernel wraps them in. */
struct in6_addr {
	union {
		__u8 u6_addr8[16];
	} in6_u;
} __attribute__((preserve_access_index));

struct sock_common {
	__be32 skc_daddr;
	__be32 skc_rcv_saddr;
	__be16 skc_dport;
	__u16 skc_num;
	unsigned short skc_family;
	volatile unsigned char skc_state;
	struct in6_addr skc_v6_daddr;
	struct in6_addr skc_v6_rcv_saddr;
} __attribute__((preserve_access_index));

struct sock {
	struct sock_common __sk_common;
	__u16 sk_protocol;
} __attribute__((preserve_access_index));

struct net_device {
	int ifindex;
} __attribute__((preserve_access_index));

struct sk_buff {
	unsigned int len;
	struct net_device *dev;
	__be16 protocol;
	__u16 transport_header;
	__u16 network_header;
	unsigned int tail; /* sk_buff_data_t: an offset from head on 64-bit kernels */
	unsigned char *head;
} __attribute__((preserve_access_index));

#define AF_INET 2
#define AF_INET6 10

/* IPv6 extension headers skipped on the way to the L4 protocol. */
#define IPPROTO_HOPOPTS 0
#define IPPROTO_ROUTING 43
#define IPPROTO_FRAGMENT 44
#define IPPROTO_AH 51
#define IPPROTO_DSTOPTS 60
#define IPV6_MAX_EXT 6

struct ipv6_opt_hdr {
	__u8 nexthdr;
	__u8 hdrlen;
};

/* Log2 histogram slot: slot i counts values in [2^i, 2^(i+1)); slot 0 also takes 0 (and 1).
 * floor(log2(v)) without a loop (the verifier likes straight lines), capped at slots - 1. */
static __attribute__((always_inline)) inline __u32 x0_log2(__u64 v, __u32 slots)
{
	__u32 r = 0, shift;

	shift = (v > 0xFFFFFFFFULL) << 5;
	v >>= shift;
	r |= shift;
	shift = (v > 0xFFFF) << 4;
	v >>= shift;
	r |= shift;
	shift = (v > 0xFF) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xF) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (__u32)(v >> 1);
	return r < slots ? r : slots - 1;
}

/*
 * Walk IPv6 extension headers (hop-by-hop, routing, fragment, destination options, AH) from
 * `*cursor` (just after the fixed header), at most IPV6_MAX_EXT of them. Returns the first
 * non-extension next-header value and leaves `*cursor` at it; returns -1 when a header is
 * truncated (malformed). A chain longer than the bound returns the extension number it
 * stopped at. ESP is returned as is: what follows it is encrypted.
 */
static __attribute__((always_inline)) inline int x0_ipv6_skip(void **cursor, void *data_end,
							      __u8 nexthdr)
{
	void *c = *cursor;

#pragma unroll
	for (int i = 0; i < IPV6_MAX_EXT; i++) {
		struct ipv6_opt_hdr *h = c;
		__u32 len;

		if (nexthdr != IPPROTO_HOPOPTS && nexthdr != IPPROTO_ROUTING &&
		    nexthdr != IPPROTO_FRAGMENT && nexthdr != IPPROTO_DSTOPTS &&
		    nexthdr != IPPROTO_AH)
			break;
		if ((void *)(h + 1) > data_end)
			return -1;
		if (nexthdr == IPPROTO_FRAGMENT)
			len = 8;
		else if (nexthdr == IPPROTO_AH)
			len = ((__u32)h->hdrlen + 2) * 4;
		else
			len = ((__u32)h->hdrlen + 1) * 8;
		nexthdr = h->nexthdr;
		c += len;
		if (c > data_end)
			return -1;
	}
	*cursor = c;
	return nexthdr;
}

#endif
