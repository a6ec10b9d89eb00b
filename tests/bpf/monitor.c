/* top / profile / bench tests: one program per test-run kind with a known return value, and a
 * tracepoint program that BPF_PROG_TEST_RUN cannot run on a frame. DROP_NAME makes the XDP_DROP
 * program's kernel name unique per test (for `name NAME`). */
#define SEC(n) __attribute__((section(n), used))
#ifndef DROP_NAME
#define DROP_NAME xdp_drop_all
#endif

struct xdp_md {
	unsigned int data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex;
};
struct __sk_buff {
	unsigned int len;
};

SEC("xdp")
int DROP_NAME(struct xdp_md *ctx)
{
	return 1; /* XDP_DROP */
}

SEC("xdp")
int xdp_empty(struct xdp_md *ctx)
{
	return 2; /* XDP_PASS */
}

SEC("tc")
int tc_shot(struct __sk_buff *skb)
{
	return 2; /* TC_ACT_SHOT */
}

SEC("socket")
int sock_trunc(struct __sk_buff *skb)
{
	return 20; /* keep the first 20 bytes */
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int tp_getpid(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
