/* BPF_PROG_TEST_RUN timed from user space: `test_run PINNED_PROG FRAME REPEAT` prints the
 * wall-clock ns per run (sub-ns resolution: bpftool's kernel-reported average is whole ns) and
 * the kernel's own average. Used by scripts/bench-programs.sh. */
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long bpf(int cmd, union bpf_attr *a) { return syscall(SYS_bpf, cmd, a, sizeof(*a)); }

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: test_run PIN FRAME REPEAT\n"); return 2; }
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.pathname = (unsigned long)argv[1];
  int fd = bpf(BPF_OBJ_GET, &a);
  if (fd < 0) { perror("BPF_OBJ_GET"); return 1; }
  static char frame[4096];
  FILE *f = fopen(argv[2], "rb");
  if (!f) { perror(argv[2]); return 1; }
  size_t n = fread(frame, 1, sizeof(frame), f);
  fclose(f);
  unsigned repeat = atoi(argv[3]);
  memset(&a, 0, sizeof(a));
  a.test.prog_fd = fd;
  a.test.data_in = (unsigned long)frame;
  a.test.data_size_in = n;
  a.test.repeat = repeat;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (bpf(BPF_PROG_TEST_RUN, &a) < 0) { perror("BPF_PROG_TEST_RUN"); return 1; }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / repeat;
  printf("%.2f %u\n", ns, a.test.duration);
  return 0;
}
