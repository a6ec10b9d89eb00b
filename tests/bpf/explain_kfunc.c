/* An XDP program calling a kernel function (kfunc): clang emits the call as `call -1` with a
 * relocation to the undefined extern, which libbpf turns into a kfunc call. Self-contained. */
#define SEC(n) __attribute__((section(n), used))

enum { XDP_ABORTED, XDP_DROP, XDP_PASS };

struct xdp_md {
	unsigned int data, data_end;
};

extern int bpf_x0_some_kfunc(int x) __attribute__((section(".ksyms")));

SEC("xdp") int kfunc_verdict(struct xdp_md *ctx)
{
	return bpf_x0_some_kfunc(2) ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
