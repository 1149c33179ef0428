// SPDX-License-Identifier: GPL-2.0
/*
 * fork_bench: fork(), _exit() in the child and waitpid() in the parent, as
 * a user program sees them, timed with the TSC.  Under QEMU's icount mode
 * the guest TSC counts executed guest instructions (all vCPUs), so the
 * figure is the kernel's and the program's instructions per fork: the task,
 * mm, VMA, anon_vma, file and signal objects a fork allocates and its exit
 * frees, on whichever CPUs the scheduler puts parent and child.
 *
 * Usage: fork_bench [FORKS [REPS [WARM]]]: WARM untimed forks (FORKS / 10 + 1
 * by default) first, then REPS times FORKS, one line per repetition in the
 * format of modslab_api_bench.ko (size 0: no object size applies):
 *
 *	api: test=fork_exit size=0 n=1 rep=R ops=FORKS cycles=C cycles_per_op=X
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static inline unsigned long long tsc(void)
{
	unsigned int lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long)hi << 32) | lo;
}

static int forks(unsigned int nr)
{
	unsigned int i;
	pid_t pid;

	for (i = 0; i < nr; i++) {
		pid = fork();
		if (pid < 0) {
			perror("fork_bench: fork");
			return -1;
		}
		if (!pid)
			_exit(0);
		if (waitpid(pid, NULL, 0) != pid) {
			perror("fork_bench: waitpid");
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int nr = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000;
	unsigned int reps = argc > 2 ? strtoul(argv[2], NULL, 0) : 3;
	unsigned int warm = argc > 3 ? strtoul(argv[3], NULL, 0) : nr / 10 + 1;
	unsigned long long t0, c;
	unsigned int rep;

	if (!nr || !reps) {
		fprintf(stderr, "usage: fork_bench [FORKS [REPS [WARM]]], FORKS and REPS > 0\n");
		return 2;
	}
	/* Warm: the page cache, the caches' first slabs, the page tables */
	if (forks(warm))
		return 1;
	for (rep = 0; rep < reps; rep++) {
		t0 = tsc();
		if (forks(nr))
			return 1;
		c = tsc() - t0;
		printf("api: test=fork_exit size=0 n=1 rep=%u ops=%u cycles=%llu cycles_per_op=%llu.%02llu\n",
		       rep, nr, c, c / nr, c * 100 / nr % 100);
	}
	return 0;
}
