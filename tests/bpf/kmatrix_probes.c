/* The kernel matrix's kprobe object (scripts/kernel-matrix.sh builds it with clang and puts it in
 * the guest): a kprobe and a kretprobe on the same function, each counting its hits in one array
 * slot. The guest checks that both fired through the programs' run_cnt (bpf_stats_enabled). */
#define SEC(n) __attribute__((section(n), used))

struct {
	int (*type)[2];          /* BPF_MAP_TYPE_ARRAY */
	int (*max_entries)[2];
	unsigned int *key;
	unsigned long long *value;
} kmatrix_hits SEC(".maps");

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

static __attribute__((always_inline)) int bump(unsigned int slot)
{
	unsigned long long *v = bpf_map_lookup_elem(&kmatrix_hits, &slot);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

SEC("kprobe/do_sys_openat2")
int on_kprobe(void *ctx) { return bump(0); }

SEC("kretprobe/do_sys_openat2")
int on_kretprobe(void *ctx) { return bump(1); }

char LICENSE[] SEC("license") = "GPL";
