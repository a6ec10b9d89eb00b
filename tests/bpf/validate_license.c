/* validate's license check: a tracepoint program calling GPL-only helpers (bpf_probe_read_kernel,
 * bpf_trace_printk) and one that is not (bpf_ktime_get_ns). The test compiles it with
 * -DLICENSE_STR="..." (or -DNO_LICENSE) and -DKTIME_ONLY for a program without GPL-only calls. */
#define SEC(n) __attribute__((section(n), used))
#ifndef PROG
#define PROG on_openat
#endif

static long (*bpf_probe_read_kernel)(void *dst, unsigned int size, const void *src) = (void *)113;
static long (*bpf_trace_printk)(const char *fmt, unsigned int fmt_size, ...) = (void *)6;
static unsigned long long (*bpf_ktime_get_ns)(void) = (void *)5;
static unsigned long long (*bpf_get_current_task)(void) = (void *)35;

SEC("tracepoint/syscalls/sys_enter_openat")
int PROG(void *ctx)
{
	unsigned long long t = bpf_ktime_get_ns();
#ifndef KTIME_ONLY
	long v = 0;
	char fmt[] = "t=%llu v=%ld\n";

	bpf_probe_read_kernel(&v, sizeof(v), (void *)bpf_get_current_task());
	bpf_trace_printk(fmt, sizeof(fmt), t, v);
#endif
	return t & 1;
}

#ifndef NO_LICENSE
#ifndef LICENSE_STR
#define LICENSE_STR "GPL"
#endif
char LICENSE[] SEC("license") = LICENSE_STR;
#endif
