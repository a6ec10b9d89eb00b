/* validate on a kernel without kprobes: the program type loads (uprobes use it too), but it
 * cannot be attached, which validate must say naming CONFIG_KPROBES. */
#define SEC(n) __attribute__((section(n), used))
#ifndef PROG
#define PROG on_openat2
#endif

SEC("kprobe/do_sys_openat2")
int PROG(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
