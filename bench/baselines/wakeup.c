/* The machine's own wake-up lateness: N sleeps until an absolute deadline
 * (clock_nanosleep, TIMER_ABSTIME) GAP_US apart, each timed from its
 * deadline to the moment the thread runs again; p50, p99, max. What no
 * scheduler of tasks can beat on this machine: an idle CPU's wake-up (and
 * a virtual machine's, through its hypervisor).
 *   wakeup N GAP_US */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: wakeup N GAP_US\n");
		return 2;
	}
	int n = atoi(argv[1]);
	int64_t gap = atoll(argv[2]) * 1000, due = now_ns();
	int64_t *late = malloc((size_t)n * sizeof *late);

	for (int i = 0; i < n; i++) {
		due += gap;
		struct timespec until = { due / 1000000000, due % 1000000000 };

		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
		late[i] = now_ns() - due;
	}
	qsort(late, (size_t)n, sizeof *late, cmp);
	printf("wakeup %d sleeps %lld us apart: p50 %.1f us, p99 %.1f us, max %.1f us\n", n,
	       (long long)(gap / 1000), late[n / 2] / 1e3, late[(size_t)(n * 0.99)] / 1e3, late[n - 1] / 1e3);
	return 0;
}
