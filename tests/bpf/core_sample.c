/* CO-RE relocations, a BPF-to-BPF call, globals in .rodata/.data/.bss, and a tracepoint
 * section, written without libbpf headers so any BPF compiler (clang, gcc-bpf) builds it. */
#define SEC(n) __attribute__((section(n), used))
#define __noinline __attribute__((noinline))

struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

#ifndef SEEN_MAX
#define SEEN_MAX 64
#endif

struct {
	int (*type)[1];         /* BPF_MAP_TYPE_HASH */
	int (*max_entries)[SEEN_MAX];
	unsigned int *key;
	unsigned long long *value;
} seen SEC(".maps");

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value,
				   unsigned long long flags) = (void *)2;
static unsigned long long (*bpf_ktime_get_ns)(void) = (void *)5;
static unsigned long long (*bpf_get_current_task)(void) = (void *)35;
static long (*bpf_probe_read_kernel)(void *dst, unsigned int size, const void *src) = (void *)113;

const volatile unsigned int min_pid = 1;
unsigned long long hits = 0;
unsigned int last_pid;

__noinline int record(unsigned int pid)
{
	unsigned long long now = bpf_ktime_get_ns();

	bpf_map_update_elem(&seen, &pid, &now, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int on_getpid(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	int pid = 0;

	bpf_probe_read_kernel(&pid, sizeof(pid), &t->pid);
	if ((unsigned int)pid < min_pid)
		return 0;
	hits++;
	last_pid = pid;
	return record(pid);
}

char LICENSE[] SEC("license") = "GPL";
