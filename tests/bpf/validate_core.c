/* validate's CO-RE check: a relocation on task_struct.pid (resolves on every kernel), or with
 * -DMISSING on a field no kernel has, or with -DGUARDED the same read behind
 * bpf_core_field_exists(). */
#define SEC(n) __attribute__((section(n), used))
#ifndef PROG
#define PROG on_getppid
#endif

struct task_struct {
	int pid;
	int nonexistent_field;
} __attribute__((preserve_access_index));

static long (*bpf_probe_read_kernel)(void *dst, unsigned int size, const void *src) = (void *)113;
static unsigned long long (*bpf_get_current_task)(void) = (void *)35;

SEC("tracepoint/syscalls/sys_enter_getppid")
int PROG(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	int v = 0;

#if defined(GUARDED)
	if (__builtin_preserve_field_info(t->nonexistent_field, 2 /* BPF_FIELD_EXISTS */))
		bpf_probe_read_kernel(&v, sizeof(v), &t->nonexistent_field);
#elif defined(MISSING)
	bpf_probe_read_kernel(&v, sizeof(v), &t->nonexistent_field);
#else
	bpf_probe_read_kernel(&v, sizeof(v), &t->pid);
#endif
	return v & 1;
}

char LICENSE[] SEC("license") = "GPL";
