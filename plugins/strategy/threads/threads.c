/* threads: one pthread per task (the seed's threading.Thread), or a pool of
 * `workers` threads that claim tasks until none is left. */
#define _GNU_SOURCE
#include <conclab/plugin.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define SANITIZER_STACK ((size_t)4 << 20)
#define SPAWN_IN_PARALLEL 256 /* threads from which one creator per CPU pays */
#define MAX_SPAWNERS      8

enum { PARAM_WORKERS, PARAM_STACK_KB, PARAM_MAX, PARAM_COUNT };

static const struct cl_param_decl threads_params[] = {
	[PARAM_WORKERS] = { "workers", CL_PARAM_INT, 0, 0, 1000000,
			    "threads in a pool that claim tasks; 0 = one thread per task" },
	[PARAM_STACK_KB] = { "stack_kb", CL_PARAM_INT, 64, 16, 1048576,
			     "stack size of each thread, KiB" },
	[PARAM_MAX] = { "max_threads", CL_PARAM_INT, 32768, 1, 1000000,
			"refuse to start more threads than this in one trial" },
	[PARAM_COUNT] = { 0 },
};
CL_PARAMS_CHECK(threads_params, PARAM_COUNT);

static struct cl_trial *trial; /* one trial per process */

static void *run_one(void *task)
{
	if (cl_trial_place(trial, (unsigned)cl_task_index(task)) == 0 &&
	    cl_trial_barrier_wait(trial) == 0)
		cl_task_run(task);
	return NULL;
}

static void *run_claimed(void *worker)
{
	struct cl_task *task;

	if (cl_trial_place(trial, (unsigned)(uintptr_t)worker) || cl_trial_barrier_wait(trial) != 0)
		return NULL;
	while ((task = cl_trial_claim(trial)))
		cl_task_run(task);
	return NULL;
}

/* A share of the threads to create: thread creation is mostly clone() and
 * the first touch of each stack, work the kernel does on the creating
 * thread's CPU, so with thousands of threads one creator per CPU starts
 * them sooner than one creator alone. */
struct spawner {
	pthread_t *ids;
	char      *stacks;
	size_t     stack, lo, hi, started;
	bool       pool;
	int        err;
};

static void *spawn_range(void *arg)
{
	struct spawner *sp = arg;
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	for (sp->started = sp->lo; sp->started < sp->hi; sp->started++) {
		size_t i = sp->started;

		pthread_attr_setstack(&attr, sp->stacks + i * sp->stack, sp->stack);
		sp->err = pthread_create(&sp->ids[i], &attr, sp->pool ? run_claimed : run_one,
					 sp->pool ? (void *)(uintptr_t)i : cl_trial_task(trial, i));
		if (sp->err) {
			cl_trial_barrier_cancel(trial);
			break;
		}
	}
	pthread_attr_destroy(&attr);
	return NULL;
}

static int threads_run(struct cl_trial *t, const int64_t *params)
{
	size_t ntasks = cl_trial_ntasks(t);
	size_t pool = (size_t)params[PARAM_WORKERS];
	size_t nthreads = pool && pool < ntasks ? pool : ntasks;
	size_t stack = (size_t)params[PARAM_STACK_KB] * 1024;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct spawner sp[MAX_SPAWNERS];
	pthread_t spawners[MAX_SPAWNERS];
	size_t nspawners = 1, failed = 0;
	int err = 0;

#if defined(__SANITIZE_THREAD__)
	/* ThreadSanitizer's runtime needs about 1 MiB of each thread's stack */
	if (stack < SANITIZER_STACK)
		stack = SANITIZER_STACK;
#endif
	pthread_t *ids = calloc(nthreads, sizeof *ids);
	char *stacks;

	trial = t;
	if (nthreads > (size_t)params[PARAM_MAX]) {
		free(ids);
		return cl_trial_fail(t, E2BIG, "threads: %zu threads exceed the limit of %lld "
				     "(parameter threads.max_threads; use a pool: threads.workers)",
				     nthreads, (long long)params[PARAM_MAX]);
	}
	if (!ids)
		return cl_trial_fail(t, ENOMEM, "threads: no memory for %zu thread ids", nthreads);
	/* One mapping for every stack instead of one mmap and guard page per
	 * thread: creating 10,000 threads is then mostly clone() itself. The
	 * price is no guard pages, so stack_kb must fit the plugins' frames. */
	stacks = mmap(NULL, nthreads * stack, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (stacks == MAP_FAILED) {
		free(ids);
		return cl_trial_fail(t, errno, "threads: cannot map %zu stacks of %zu KiB",
				     nthreads, stack / 1024);
	}
	cl_trial_barrier_arm(t, (unsigned)nthreads);
	if (nthreads >= SPAWN_IN_PARALLEL && cpus > 1)
		nspawners = (size_t)cpus < MAX_SPAWNERS ? (size_t)cpus : MAX_SPAWNERS;
	for (size_t k = 0; k < nspawners; k++)
		sp[k] = (struct spawner){ .ids = ids, .stacks = stacks, .stack = stack, .pool = pool,
					  .lo = nthreads * k / nspawners,
					  .hi = nthreads * (k + 1) / nspawners };
	/* helpers take shares 1.., this thread share 0 */
	size_t helpers = 0;

	for (size_t k = 1; k < nspawners; k++, helpers++) {
		int e = pthread_create(&spawners[k], NULL, spawn_range, &sp[k]);

		if (e) { /* reported as failing at its share's first thread */
			cl_trial_barrier_cancel(t);
			sp[k].err = e;
			for (size_t j = k; j < nspawners; j++)
				sp[j].started = sp[j].lo;
			break;
		}
	}
	spawn_range(&sp[0]);
	for (size_t k = 1; k <= helpers; k++)
		pthread_join(spawners[k], NULL);
	for (size_t k = 0; k < nspawners; k++) {
		for (size_t i = sp[k].lo; i < sp[k].started; i++)
			pthread_join(ids[i], NULL);
		if (sp[k].err && !err) {
			err = sp[k].err;
			failed = sp[k].started;
		}
	}
	munmap(stacks, nthreads * stack);
	free(ids);
	if (err)
		return cl_trial_fail(t, err,
				     "threads: pthread_create failed for thread %zu of %zu "
				     "(limits: RLIMIT_NPROC, /proc/sys/kernel/threads-max, memory)",
				     failed + 1, nthreads);
	return 0;
}

/* Refused at `conclab check`, before a trial starts them. */
static int threads_check(const struct cl_check_args *cell, char *err, size_t errlen)
{
	uint64_t pool = (uint64_t)cell->params[PARAM_WORKERS];
	uint64_t n = pool && pool < cell->ntasks ? pool : cell->ntasks;

	if (n <= (uint64_t)cell->params[PARAM_MAX])
		return 0;
	snprintf(err, errlen, "%llu threads exceed threads.max_threads = %lld (raise it, or %s)",
		 (unsigned long long)n, (long long)cell->params[PARAM_MAX],
		 pool ? "use fewer threads.workers" : "use a pool: threads.workers");
	return -1;
}

static const struct cl_strategy_ops threads_ops = {
	.flags = CL_STRATEGY_PLACES,
	.run = threads_run,
};

CL_PLUGIN(.kind = CL_PLUGIN_STRATEGY,
	  .name = "threads",
	  .version = "1.0",
	  .summary = "one pthread per task, or a pool of workers",
	  .description = "Threads share memory and, in C, run on every core at once: waits overlap "
			 "and CPU work runs in parallel (unlike Python's GIL). Shared updates race "
			 "unless a sync plugin protects them.",
	  .params = threads_params,
	  .ops.strategy = &threads_ops,
	  .check = threads_check);
