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
	if (ctx->data + 14 > ctx->data_end)
		bpf_throw(XDP_DROP);
	/* Falls through to here only when the throw did not happen. */
	if (ctx->data == 0)
		bpf_throw(XDP_DROP);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
