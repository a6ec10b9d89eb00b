/* tests/modbtf.rs: a CO-RE relocation on a struct no kernel's vmlinux has; the test supplies it
 * as a synthetic module BTF. */
#define SEC(n) __attribute__((section(n), used))

struct x0_only_in_module {
	int field;
} __attribute__((preserve_access_index));

static long (*bpf_probe_read_kernel)(void *dst, unsigned int size, const void *src) = (void *)113;

SEC("kprobe/do_sys_openat2")
int modonly(unsigned long long *ctx)
{
	struct x0_only_in_module *p = (struct x0_only_in_module *)ctx[14];
	int v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &p->field);
	return v & 1;
}

char LICENSE[] SEC("license") = "GPL";
