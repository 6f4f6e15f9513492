/* Baseline: a bare fork loop, N children each sleeping 1 s, then wait for all.
 * Prints the wall time from the first fork to the last exit. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	double t0 = now();

	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			sleep(1);
			_exit(0);
		}
		if (pid < 0) {
			perror("fork");
			return 1;
		}
	}
	while (wait(NULL) > 0)
		;
	printf("fork_sleep %d: %.3f s\n", n, now() - t0);
	return 0;
}
