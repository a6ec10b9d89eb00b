/* A trampoline program (fentry). Kernels in lockdown=integrity refuse to load it (EPERM). */
#define SEC(n) __attribute__((section(n), used))

SEC("fentry/do_sys_openat2")
int on_open(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
