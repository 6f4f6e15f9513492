/* Baseline: the seed's race loop written by hand. T threads meet at a
 * barrier, then each does N increments of one shared counter with the named
 * primitive: mutex, spin or atomic. Prints ns per increment (wall / (T*N)).
 * Like conclab's start barrier, thread i waits pinned to CPU i and gets its
 * mask back once all run, so the threads really contend: a plain futex
 * barrier may leave two woken threads on one CPU, taking turns, which makes
 * a contended lock look cheaper than it is. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "start.h"
#include <sched.h>

static pthread_barrier_t start;
static int running, ncpus;
static long n;
static long threads;
static int kind; /* 0 mutex, 1 spin, 2 atomic */

static void *worker(void *arg)
{
	int index = (int)(intptr_t)arg;

	start_together(index, (int)threads, ncpus, &start, &running);
	for (long i = 0; i < n; i++) {
		increment(kind);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "mutex";
	int t = argc > 2 ? atoi(argv[2]) : 2;
	pthread_t ids[64];
	double t0;

	n = argc > 3 ? atol(argv[3]) : 10000000;
	kind = !strcmp(name, "spin") ? 1 : !strcmp(name, "atomic") ? 2 : 0;
	pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
	pthread_barrier_init(&start, NULL, (unsigned)t);
	threads = t;
	ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	t0 = now();
	for (int i = 0; i < t; i++)
		pthread_create(&ids[i], NULL, worker, (void *)(intptr_t)i);
	for (int i = 0; i < t; i++)
		pthread_join(ids[i], NULL);
	printf("race %s %d x %ld: %.2f ns/increment, counter %s\n", name, t, n,
	       (now() - t0) * 1e9 / ((double)t * n), counter == (uint64_t)t * n ? "exact" : "WRONG");
	return 0;
}
