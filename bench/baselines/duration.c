/* Baseline: a duration-based lock loop written by hand, as will-it-scale
 * runs one. T threads, pinned at the start as race.c pins them, each take
 * the lock (mutex, spin) or do a fetch-and-add (atomic) until the main
 * thread, after sleeping SECONDS, raises a stop flag; each counts in a slot
 * of its own cache line. Prints operations a second: the sum of the counts
 * over the time from the start to the stop. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "start.h"

static volatile int stop __attribute__((aligned(64)));
static struct { volatile uint64_t n; } __attribute__((aligned(64))) slots[64];
static pthread_barrier_t start;
static int running, threads, ncpus, kind; /* kind: 0 mutex, 1 spin, 2 atomic */

static void *worker(void *arg)
{
	int index = (int)(intptr_t)arg;

	start_together(index, threads, ncpus, &start, &running);
	while (!stop) {
		increment(kind);
		slots[index].n++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "mutex";
	double seconds = argc > 3 ? atof(argv[3]) : 1, t0;
	pthread_t ids[64];
	uint64_t total = 0;

	threads = argc > 2 ? atoi(argv[2]) : 2;
	if (threads < 1 || threads > 64)
		return 2;
	kind = !strcmp(name, "spin") ? 1 : !strcmp(name, "atomic") ? 2 : 0;
	pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
	pthread_barrier_init(&start, NULL, (unsigned)threads);
	ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	for (int i = 0; i < threads; i++)
		pthread_create(&ids[i], NULL, worker, (void *)(intptr_t)i);
	while (__atomic_load_n(&running, __ATOMIC_SEQ_CST) < threads)
		usleep(100);
	t0 = now();
	usleep((useconds_t)(seconds * 1e6));
	stop = 1;
	double t1 = now();

	for (int i = 0; i < threads; i++) {
		pthread_join(ids[i], NULL);
		total += slots[i].n;
	}
	printf("duration %s %d x %.3f s: %.0f ops/s, counter %s\n", name, threads, seconds,
	       (double)total / (t1 - t0), counter == total ? "exact" : "WRONG");
	return 0;
}
