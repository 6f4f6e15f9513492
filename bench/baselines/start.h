/* What the hand-written lock baselines share: the counter and its locks,
 * one increment under each, the clock, and the start conclab's barrier
 * makes. Thread `index` waits pinned to CPU index % ncpus
 * until all `threads` run, then gets its mask back, so the threads really
 * contend: a plain futex barrier may leave two woken threads on one CPU,
 * taking turns, which makes a contended lock look cheaper than it is. */
#ifndef BENCH_START_H
#define BENCH_START_H

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <time.h>

/* Each on its own cache line, as conclab lays them out: sharing a line
 * between the lock and the counter would measure false sharing instead. */
static volatile uint64_t counter __attribute__((aligned(64)));
static pthread_mutex_t mutex __attribute__((aligned(64))) = PTHREAD_MUTEX_INITIALIZER;
static pthread_spinlock_t spin __attribute__((aligned(64)));

/* One increment of the counter: kind 0 under the mutex, 1 under the
 * spinlock, 2 one atomic fetch-and-add. */
static inline void increment(int kind)
{
	if (kind == 0) {
		pthread_mutex_lock(&mutex);
		counter = counter + 1;
		pthread_mutex_unlock(&mutex);
	} else if (kind == 1) {
		pthread_spin_lock(&spin);
		counter = counter + 1;
		pthread_spin_unlock(&spin);
	} else {
		__atomic_fetch_add((uint64_t *)&counter, 1, __ATOMIC_SEQ_CST);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void start_together(int index, int threads, int ncpus, pthread_barrier_t *start, int *running)
{
	cpu_set_t all, one;

	sched_getaffinity(0, sizeof all, &all);
	CPU_ZERO(&one);
	CPU_SET(index % ncpus, &one);
	sched_setaffinity(0, sizeof one, &one);
	pthread_barrier_wait(start);
	__atomic_fetch_add(running, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(running, __ATOMIC_SEQ_CST) < threads)
		;
	sched_setaffinity(0, sizeof all, &all);
}

#endif
