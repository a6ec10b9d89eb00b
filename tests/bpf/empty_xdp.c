/* The baseline of guard's per-packet cost: an XDP program that only returns XDP_PASS. */
#define SEC(n) __attribute__((section(n), used))
SEC("xdp") int empty_xdp(void *ctx) { return 2; }
char LICENSE[] SEC("license") = "GPL";
