/* threads: one pthread per task (the seed's threading.Thread), or a pool of
 * `workers` threads that claim tasks until none is left. */
#define _GNU_SOURCE
#include <conclab/plugin.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define SANITIZER_STACK ((size_t)4 << 20)

enum { PARAM_WORKERS, PARAM_STACK_KB, PARAM_MAX };

static const struct cl_param_decl threads_params[] = {
	{ "workers", CL_PARAM_INT, 0, 0, 1000000,
	  "threads in a pool that claim tasks; 0 = one thread per task" },
	{ "stack_kb", CL_PARAM_INT, 64, 16, 1048576, "stack size of each thread, KiB" },
	{ "max_threads", CL_PARAM_INT, 32768, 1, 1000000,
	  "refuse to start more threads than this in one trial" },
	{ 0 },
};

static struct cl_trial *trial; /* one trial per process */

static void *run_one(void *task)
{
	if (cl_trial_barrier_wait(trial) == 0)
		cl_task_run(task);
	return NULL;
}

static void *run_claimed(void *unused)
{
	struct cl_task *task;

	(void)unused;
	if (cl_trial_barrier_wait(trial) != 0)
		return NULL;
	while ((task = cl_trial_claim(trial)))
		cl_task_run(task);
	return NULL;
}

static int threads_run(struct cl_trial *t, const int64_t *params)
{
	size_t ntasks = cl_trial_ntasks(t);
	size_t pool = (size_t)params[PARAM_WORKERS];
	size_t nthreads = pool && pool < ntasks ? pool : ntasks;
	size_t stack = (size_t)params[PARAM_STACK_KB] * 1024;

#if defined(__SANITIZE_THREAD__)
	/* ThreadSanitizer's runtime needs about 1 MiB of each thread's stack */
	if (stack < SANITIZER_STACK)
		stack = SANITIZER_STACK;
#endif
	pthread_t *ids = calloc(nthreads, sizeof *ids);
	pthread_attr_t attr;
	char *stacks;
	size_t started = 0;
	int err = 0;

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
	pthread_attr_init(&attr);
	for (; started < nthreads; started++) {
		pthread_attr_setstack(&attr, stacks + started * stack, stack);
		err = pthread_create(&ids[started], &attr, pool ? run_claimed : run_one,
				     pool ? NULL : cl_trial_task(t, started));
		if (err)
			break;
	}
	pthread_attr_destroy(&attr);
	if (err)
		cl_trial_barrier_cancel(t);
	for (size_t i = 0; i < started; i++)
		pthread_join(ids[i], NULL);
	munmap(stacks, nthreads * stack);
	free(ids);
	if (err)
		return cl_trial_fail(t, err,
				     "threads: pthread_create failed for thread %zu of %zu "
				     "(limits: RLIMIT_NPROC, /proc/sys/kernel/threads-max, memory)",
				     started + 1, nthreads);
	return 0;
}

static const struct cl_strategy_ops threads_ops = {
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
	  .ops.strategy = &threads_ops);
