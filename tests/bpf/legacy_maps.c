/* A pre-BTF style object: iproute2's struct bpf_elf_map in a "maps" section, no .BTF
 * when compiled without -g. */
#define SEC(n) __attribute__((section(n), used))
struct bpf_elf_map {
	unsigned int type, size_key, size_value, max_elem, flags, id, pinning, inner_id, inner_idx;
};
struct bpf_elf_map SEC("maps") legacy_counts = {
	.type = 2, /* BPF_MAP_TYPE_ARRAY */
	.size_key = 4,
	.size_value = 8,
	.max_elem = 4,
	.pinning = 2, /* PIN_GLOBAL_NS */
};
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

SEC("classifier")
int cls_main(void *skb)
{
	unsigned int k = 0;
	unsigned long long *v = bpf_map_lookup_elem(&legacy_counts, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

char __license[] SEC("license") = "GPL";
unsigned int __version SEC("version") = 0x060100;
