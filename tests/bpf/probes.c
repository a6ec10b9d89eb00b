/* Programs of the kinds attach supports beyond networking, each counting its hits in one
 * array slot: raw tracepoint (slot 0), kprobe (slot 1), uprobe (slot 2). */
#define SEC(n) __attribute__((section(n), used))

struct {
	int (*type)[2];          /* BPF_MAP_TYPE_ARRAY */
	int (*max_entries)[4];
	unsigned int *key;
	unsigned long long *value;
} hits SEC(".maps");

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

static __attribute__((always_inline)) int bump(unsigned int slot)
{
	unsigned long long *v = bpf_map_lookup_elem(&hits, &slot);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int on_raw_sys_enter(void *ctx) { return bump(0); }

SEC("kprobe/do_sys_openat2")
int on_kprobe(void *ctx) { return bump(1); }

SEC("uprobe")
int on_uprobe(void *ctx) { return bump(2); }

char LICENSE[] SEC("license") = "GPL";
