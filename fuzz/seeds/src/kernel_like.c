/* Fuzz seed: a target BTF shaped like a kernel's for core_rich.c (fields moved, renamed
 * state -> __state, wider bitfields, extra enum values, a flavorless mm_struct), so seeds
 * start from a target where relocations resolve to different values. Build: clang -O2 -g
 * -target bpf -c kernel_like.c, then take its .BTF section. */
enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID, PIDTYPE_SID, PIDTYPE_MAX };

struct mm_struct {
	void *mmap;
	unsigned long start_stack;
	unsigned long flags[4];
};

struct list_head {
	struct list_head *next, *prev;
};

struct task_struct {
	unsigned int __state;
	void *stack;
	struct list_head tasks;
	unsigned int in_execve : 1;
	unsigned int in_iowait : 1;
	unsigned int pad : 6;
	int prio : 11;
	struct mm_struct *mm;
	int pid;
	int tgid;
	struct task_struct *real_parent;
	struct task_struct *parent;
	char comm[16];
	enum pid_type type;
};

struct task_struct t;
struct mm_struct m;
enum pid_type p;
