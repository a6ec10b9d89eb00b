/* The kernel matrix's module-BTF check: a CO-RE relocation on struct veth_priv, which only the
 * veth module defines (vmlinux has no candidate), so libbpf, and validate, must resolve it in
 * /sys/kernel/btf/veth. The program is only validated and loaded, never attached. */
#define SEC(n) __attribute__((section(n), used))

struct veth_priv {
	unsigned int requested_headroom;
} __attribute__((preserve_access_index));

static long (*bpf_probe_read_kernel)(void *dst, unsigned int size, const void *src) = (void *)113;

SEC("kprobe/do_sys_openat2")
int veth_headroom(unsigned long long *ctx)
{
	struct veth_priv *p = (struct veth_priv *)ctx[14]; /* any pointer: never run */
	unsigned int v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &p->requested_headroom);
	return v & 1;
}

char LICENSE[] SEC("license") = "GPL";
