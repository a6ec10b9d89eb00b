/* Fuzz fixture: one program using every CO-RE relocation kind clang emits (field offset,
 * size, existence, signedness, bitfield shifts, type id/existence/size, enum value/existence)
 * through arrays, anonymous members, bitfields and a ___flavor, so the resolver has real
 * relocations to check against fuzzed BTF. Build: clang -O2 -g -target bpf -c core_rich.c */
#define SEC(n) __attribute__((section(n), used))

enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID };

struct mm_struct {
	unsigned long start_stack;
	unsigned long flags[2];
} __attribute__((preserve_access_index));

struct task_struct {
	volatile long state;
	int pid;
	int tgid;
	struct {
		unsigned int in_execve : 1;
		unsigned int in_iowait : 1;
		int prio : 7;
	};
	union {
		struct mm_struct *mm;
		unsigned long mm_raw;
	};
	char comm[16];
	struct task_struct *parent;
} __attribute__((preserve_access_index));

struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

typedef struct task_struct task_t;

static unsigned long long (*bpf_get_current_task)(void) = (void *)35;

unsigned long long out[32];

SEC("kprobe/do_nothing")
int probe(void *ctx)
{
	task_t *t = (task_t *)bpf_get_current_task();
	struct task_struct___old *o = (void *)t;
	int i = 0;

	out[i++] = __builtin_preserve_field_info(t->pid, 0);
	out[i++] = __builtin_preserve_field_info(t->comm[3], 0);
	out[i++] = __builtin_preserve_field_info(t->tgid, 1);
	out[i++] = __builtin_preserve_field_info(t->state, 2);
	out[i++] = __builtin_preserve_field_info(t->pid, 3);
	out[i++] = __builtin_preserve_field_info(o->state, 2);
	out[i++] = __builtin_preserve_field_info(t->prio, 4);
	out[i++] = __builtin_preserve_field_info(t->prio, 5);
	out[i++] = __builtin_preserve_field_info(t->in_iowait, 0);
	out[i++] = __builtin_preserve_field_info(t->in_iowait, 1);
	out[i++] = __builtin_preserve_field_info(t->mm_raw, 0);
	out[i++] = __builtin_preserve_field_info(t->mm->flags[1], 0);
	out[i++] = __builtin_preserve_field_info(t->parent->parent->pid, 0);
	out[i++] = __builtin_preserve_type_info(*(task_t *)0, 0);
	out[i++] = __builtin_preserve_type_info(*(struct task_struct *)0, 1);
	out[i++] = __builtin_preserve_type_info(*(struct mm_struct *)0, 1);
	out[i++] = __builtin_btf_type_id(*(struct task_struct *)0, 1);
	out[i++] = __builtin_btf_type_id(*t, 0);
	out[i++] = __builtin_preserve_enum_value(*(enum pid_type *)PIDTYPE_TGID, 1);
	out[i++] = __builtin_preserve_enum_value(*(enum pid_type *)PIDTYPE_PGID, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
