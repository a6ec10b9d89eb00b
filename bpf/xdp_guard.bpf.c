// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdp_guard: per-source counters and a prefix blocklist with expiry, for `x0bpf guard`.
 *
 * Per packet: the IPv4/IPv6 source (IPv4 as ::ffff:a.b.c.d) is looked up in `blocklist`
 * (LPM trie) first. A hit whose expiry is still ahead of bpf_ktime_get_boot_ns() drops the
 * packet and counts it in the entry, unless `allowlist` (LPM trie) also matches: the allowlist
 * always wins. An expired entry is ignored, so enforcement needs no user space at all. Every
 * packet not dropped is counted per source in `sources` (per-CPU LRU hash: packets, bytes,
 * SYNs; per-CPU so the pass path has no atomics) for the user-space loop to read and sum.
 * Up to two VLAN tags are skipped. Everything else (ARP, other EtherTypes, runts, IPv6 from
 * a v4-mapped source) passes uncounted.
 *
 * Clock: CLOCK_BOOTTIME (bpf_ktime_get_boot_ns, Linux 5.8+), because it keeps counting across
 * suspend: a TTL of ten minutes means ten minutes of wall time, and user space reads the same
 * clock with clock_gettime(CLOCK_BOOTTIME) to write expiry times.
 * `offenders` and `state` are never touched here: they are the loop's pinned memory (strikes
 * per prefix for the TTL backoff; the running loop's pid), kept in this object so they are
 * pinned, listed and unloaded with it.
 */
#include "x0bpf.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define MAX_SOURCES 65536
#define MAX_BLOCKED 16384
#define MAX_ALLOWED 1024
#define TCP_FLAG_SYN 0x0002
#define TCP_FLAG_ACK 0x0010

/* A source address: IPv6, or IPv4 mapped into ::ffff:0:0/96. */
struct src_key {
	__u8 addr[16];
};

struct src_counts {
	__u64 packets;
	__u64 bytes;
	__u64 syns; /* TCP segments with SYN set and ACK clear */
};

/* LPM trie key: prefixlen counts bits of addr (an IPv4 /24 is 96 + 24 = 120). */
struct lpm_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct block_val {
	__u64 expires_ns; /* CLOCK_BOOTTIME; the entry is ignored from then on */
	__u64 drops;      /* packets dropped by this entry */
	__u64 drop_bytes;
	__u64 added_ns;   /* CLOCK_BOOTTIME when the guard wrote it */
};

/* The loop's memory of a prefix it blocked: written by user space only. */
struct offender {
	__u32 strikes;   /* blocks so far (the TTL grows with each) */
	__u32 pad;
	__u64 last_ns;   /* CLOCK_BOOTTIME of the last block */
	__u64 last_ttl_s;
};

/* The running loop: pid 0 when none. Written by user space only. */
struct guard_state {
	__u32 pid;
	__u32 stopping; /* non-zero: `guard stop` ends this loop and removes the guard itself */
	__u64 pid_start; /* the process's start time in clock ticks (/proc/PID/stat field 22) */
	__u64 started_ns; /* CLOCK_BOOTTIME */
	__u64 decisions;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, MAX_SOURCES);
	__type(key, struct src_key);
	__type(value, struct src_counts);
} sources SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, MAX_BLOCKED);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key);
	__type(value, struct block_val);
} blocklist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, MAX_ALLOWED);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key);
	__type(value, __u32);
} allowlist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_BLOCKED);
	__type(key, struct lpm_key);
	__type(value, struct offender);
} offenders SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct guard_state);
} state SEC(".maps");

SEC("xdp")
int xdp_guard(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 len = data_end - data;
	struct ethhdr *eth = data;
	struct lpm_key key = {};
	struct block_val *b;
	struct src_counts *c;
	void *cursor;
	__u16 proto;
	int l4 = -1;
	__u64 syn = 0;
	__u32 agg;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	proto = bpf_ntohs(eth->h_proto);
	cursor = eth + 1;
	/*
	 * Up to two VLAN tags (802.1Q, 802.1ad). The kernel delivers a priority-tagged frame
	 * (VID 0) to the untagged interface itself, so skipping tagged frames would let a blocked
	 * source through just by tagging them.
	 */
#pragma unroll
	for (int i = 0; i < 2; i++) {
		struct vlan_hdr *vh = cursor;

		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		if ((void *)(vh + 1) > data_end)
			return XDP_PASS;
		proto = bpf_ntohs(vh->h_vlan_encapsulated_proto);
		cursor = vh + 1;
	}
	if (proto == ETH_P_IP) {
		struct iphdr *ip = cursor;

		if ((void *)(ip + 1) > data_end || ip->version != 4 || ip->ihl < 5)
			return XDP_PASS;
		key.addr[10] = 0xff;
		key.addr[11] = 0xff;
		__builtin_memcpy(&key.addr[12], &ip->saddr, 4);
		/* A fragment after the first carries no L4 header: its bytes are not a TCP one. */
		if (!(ip->frag_off & bpf_htons(0x1fff)))
			l4 = ip->protocol;
		cursor = (void *)ip + ip->ihl * 4;
		agg = 96 + 24;
	} else if (proto == ETH_P_IPV6) {
		struct ipv6hdr *ip6 = cursor;
		__u32 w0, w1, w2;

		if ((void *)(ip6 + 1) > data_end || ip6->version != 6)
			return XDP_PASS;
		/*
		 * A v4-mapped source (::ffff:a.b.c.d) would be counted, and blocked, as the IPv4
		 * host a.b.c.d: anyone who can send IPv6 could get an IPv4 address blocked. The
		 * kernel drops such packets anyway (RFC 4291 2.5.5.2, ip6_rcv): pass them uncounted.
		 */
		__builtin_memcpy(&w0, &ip6->saddr[0], 4);
		__builtin_memcpy(&w1, &ip6->saddr[4], 4);
		__builtin_memcpy(&w2, &ip6->saddr[8], 4);
		if (w0 == 0 && w1 == 0 && w2 == bpf_htonl(0xffff))
			return XDP_PASS;
		__builtin_memcpy(key.addr, ip6->saddr, 16);
		cursor = ip6 + 1;
		l4 = x0_ipv6_skip(&cursor, data_end, ip6->nexthdr);
		agg = 64;
	} else {
		return XDP_PASS;
	}
	key.prefixlen = 128;

	b = bpf_map_lookup_elem(&blocklist, &key);
	/* The clock only when something matched: the pass path stays a single trie lookup. */
	if (b) {
		__u64 now = bpf_ktime_get_boot_ns();

		if (b->expires_ns <= now) {
			/*
			 * The longest match expired, but it may sit inside a live /24 or /64 (a host
			 * blocked before its prefix was): until the loop deletes it, it must not shadow
			 * the prefix. The guard writes host and /24 or /64 entries only, so one more
			 * lookup suffices.
			 */
			key.prefixlen = agg;
			b = bpf_map_lookup_elem(&blocklist, &key);
			key.prefixlen = 128;
		}
		if (b && b->expires_ns > now && !bpf_map_lookup_elem(&allowlist, &key)) {
			__sync_fetch_and_add(&b->drops, 1);
			__sync_fetch_and_add(&b->drop_bytes, len);
			return XDP_DROP;
		}
	}

	if (l4 == IPPROTO_TCP) {
		struct tcphdr *tcp = cursor;

		if ((void *)(tcp + 1) <= data_end) {
			__u16 fl = bpf_ntohs(tcp->flags);

			syn = (fl & TCP_FLAG_SYN) && !(fl & TCP_FLAG_ACK);
		}
	}
	/* The source key is the trie key's address: the same 16 bytes right after prefixlen. */
	c = bpf_map_lookup_elem(&sources, &key.addr);
	if (c) {
		/* Per-CPU: only this CPU writes this copy, no atomics needed. */
		c->packets += 1;
		c->bytes += len;
		c->syns += syn;
	} else {
		struct src_counts init = { .packets = 1, .bytes = len, .syns = syn };

		/* Another CPU may create it first: then count into this CPU's copy of theirs. */
		if (bpf_map_update_elem(&sources, &key.addr, &init, BPF_NOEXIST) != 0) {
			c = bpf_map_lookup_elem(&sources, &key.addr);
			if (c) {
				c->packets += 1;
				c->bytes += len;
				c->syns += syn;
			}
		}
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
