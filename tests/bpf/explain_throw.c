/* An XDP program that throws (bpf_throw, 6.7+): the call never returns, the program ends
 * with the cookie as its return value (the default exception callback returns it). What
 * follows the throw is never reached: the only verdicts are the cookie and XDP_PASS. */
#define SEC(n) __attribute__((section(n), used))

enum { XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX };

struct xdp_md {
	unsigned int data, data_end;
};

extern void bpf_throw(unsigned long long cookie) __attribute__((section(".ksyms")));

SEC("xdp") int throwing(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	if (data + 14 > end)
		bpf_throw(XDP_DROP);
	/* Reached only when the throw did not happen: the packet holds 14 bytes here. */
	if (*(unsigned char *)data == 0xff)
		bpf_throw(XDP_DROP);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
