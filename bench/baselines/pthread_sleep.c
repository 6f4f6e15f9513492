/* Baseline: the naive way, pthread_create N times with 64 KiB stacks (each
 * its own mmap and guard page), every thread sleeping 1 s, then join all. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *sleeper(void *arg)
{
	(void)arg;
	sleep(1);
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10000;
	pthread_t *ids = calloc(n, sizeof *ids);
	pthread_attr_t attr;
	double t0 = now();

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (int i = 0; i < n; i++)
		if (pthread_create(&ids[i], &attr, sleeper, NULL)) {
			perror("pthread_create");
			return 1;
		}
	for (int i = 0; i < n; i++)
		pthread_join(ids[i], NULL);
	printf("pthread_sleep %d: %.3f s\n", n, now() - t0);
	return 0;
}
