/* One CO-RE relocation of each kind libbpf knows, on kernel types every BTF kernel has
 * (task_struct, enum bpf_map_type), for tests/core_diff.rs: each is resolved by libbpf at load
 * and by `validate`, and the two must agree. Also: a flavored type (___x), a type and a field
 * and an enumerator no kernel has, a bitfield, and a relocation in a .text subprogram.
 * Written without libbpf headers, like the other test sources. */
#define SEC(n) __attribute__((section(n), used))
#define __noinline __attribute__((noinline))

enum { F_OFF, F_SIZE, F_EXISTS, F_SIGNED, F_LSHIFT, F_RSHIFT };
enum { T_EXISTS, T_SIZE, T_MATCHES };
enum { E_EXISTS, E_VALUE };

struct task_struct {
	int pid;
	int tgid;
	unsigned int sched_reset_on_fork : 1;
	int nonexistent_field;
	char comm[16];
} __attribute__((preserve_access_index));

/* A flavor: matched against task_struct by its essential name. */
struct task_struct___x {
	int tgid;
	unsigned long flags;
} __attribute__((preserve_access_index));

struct not_in_any_kernel___x {
	int a;
} __attribute__((preserve_access_index));

enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 100,
	BPF_MAP_TYPE_ARRAY = 200,
	BPF_MAP_TYPE_NO_SUCH_MAP = 300,
};

unsigned long long out[32];

static unsigned long long (*bpf_get_current_task)(void) = (void *)35;

__noinline int in_subprog(struct task_struct *t)
{
	out[31] = __builtin_preserve_field_info(t->tgid, F_OFF);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int core_kinds(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct task_struct___x *x = (struct task_struct___x *)t;

	out[0] = __builtin_preserve_field_info(t->pid, F_OFF);
	out[1] = __builtin_preserve_field_info(t->pid, F_SIZE);
	out[2] = __builtin_preserve_field_info(t->pid, F_EXISTS);
	out[3] = __builtin_preserve_field_info(t->pid, F_SIGNED);
	out[4] = __builtin_preserve_field_info(t->nonexistent_field, F_EXISTS);
	out[5] = __builtin_preserve_field_info(t->sched_reset_on_fork, F_OFF);
	out[6] = __builtin_preserve_field_info(t->sched_reset_on_fork, F_SIZE);
	out[7] = __builtin_preserve_field_info(t->sched_reset_on_fork, F_LSHIFT);
	out[8] = __builtin_preserve_field_info(t->sched_reset_on_fork, F_RSHIFT);
	out[9] = __builtin_preserve_field_info(t->comm[3], F_OFF);
	out[10] = __builtin_preserve_field_info(t->comm, F_SIZE);
	out[11] = __builtin_preserve_field_info(x->flags, F_OFF);
	out[12] = __builtin_preserve_field_info(x->tgid, F_SIZE);
	out[13] = __builtin_preserve_type_info(*(struct task_struct *)0, T_EXISTS);
	out[14] = __builtin_preserve_type_info(*(struct task_struct *)0, T_SIZE);
	out[15] = __builtin_preserve_type_info(*(struct not_in_any_kernel___x *)0, T_EXISTS);
	out[16] = __builtin_btf_type_id(*(struct task_struct *)0, 1 /* target id */);
	out[17] = __builtin_btf_type_id(*(struct task_struct *)0, 0 /* local id */);
	out[18] = __builtin_preserve_enum_value(*(enum bpf_map_type *)BPF_MAP_TYPE_HASH, E_EXISTS);
	out[19] = __builtin_preserve_enum_value(*(enum bpf_map_type *)BPF_MAP_TYPE_ARRAY, E_VALUE);
	out[20] = __builtin_preserve_enum_value(*(enum bpf_map_type *)BPF_MAP_TYPE_NO_SUCH_MAP,
						E_EXISTS);
#if __clang_major__ >= 15
	out[21] = __builtin_preserve_type_info(*(struct task_struct___x *)0, T_MATCHES);
#endif
	/* A read of a field no kernel has, behind its existence check: libbpf poisons it. */
	if (__builtin_preserve_field_info(t->nonexistent_field, F_EXISTS))
		out[22] = t->nonexistent_field;
	return in_subprog(t);
}

char LICENSE[] SEC("license") = "GPL";
