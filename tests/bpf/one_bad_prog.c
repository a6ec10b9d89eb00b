/* Two XDP programs: the first is fine, the second reads packet data without a bounds check,
 * which the verifier rejects. A load of this object must leave nothing behind. */
#define SEC(n) __attribute__((section(n), used))

struct xdp_md {
	unsigned int data;
	unsigned int data_end;
};

struct {
	int (*type)[2];          /* BPF_MAP_TYPE_ARRAY */
	int (*max_entries)[1];
	unsigned int *key;
	unsigned long long *value;
} good_counts SEC(".maps");

SEC("xdp")
int good_prog(struct xdp_md *ctx)
{
	return 2; /* XDP_PASS */
}

SEC("xdp")
int bad_prog(struct xdp_md *ctx)
{
	unsigned char *data = (unsigned char *)(long)ctx->data;

	return data[20] == 0x45 ? 2 : 1; /* no check against data_end */
}

char LICENSE[] SEC("license") = "GPL";
