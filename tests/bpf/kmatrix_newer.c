/* The kernel matrix's "newer helper" object: an XDP program calling bpf_ktime_get_coarse_ns
 * (helper 160, Linux 5.11). On older kernels validate must name the helper and load must fail
 * with the verifier's word, never crash; from 5.11 on both succeed. */
#define SEC(n) __attribute__((section(n), used))

static unsigned long long (*bpf_ktime_get_coarse_ns)(void) = (void *)160;

SEC("xdp")
int newer_helper(void *ctx)
{
	return (int)(bpf_ktime_get_coarse_ns() & 1) + 1; /* XDP_DROP or XDP_PASS */
}

char LICENSE[] SEC("license") = "GPL";
