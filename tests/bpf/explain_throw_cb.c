/* An XDP program with its own exception callback (`__exception_cb`, a BTF decl tag): a throw
 * returns what the callback returns, not the cookie. Self-contained. */
#define SEC(n) __attribute__((section(n), used))
#define __exception_cb(name) __attribute__((btf_decl_tag("exception_callback:" #name)))

enum { XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX };

struct xdp_md {
	unsigned int data, data_end;
};

extern void bpf_throw(unsigned long long cookie) __attribute__((section(".ksyms")));

__attribute__((noinline)) int pass_anyway(unsigned long long cookie)
{
	return XDP_PASS + (cookie & 0);
}

SEC("xdp") __exception_cb(pass_anyway) int throwing_cb(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	if (data + 14 > end)
		bpf_throw(XDP_DROP);
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
