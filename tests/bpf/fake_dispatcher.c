/* A program named like libxdp's multi-program dispatcher. A real dispatcher needs freplace
 * (BPF_PROG_TYPE_EXT) programs, which lockdown refuses on the test kernel, so xdp-loader falls
 * back to single-program mode there; x0bpf recognises the dispatcher by its name, as
 * xdp-loader itself does. */
#define SEC(n) __attribute__((section(n), used))

SEC("xdp")
int xdp_dispatcher(void *ctx)
{
	return 2;
}

char LICENSE[] SEC("license") = "GPL";
