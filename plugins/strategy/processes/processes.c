/* processes: one forked process per task (the seed's multiprocessing.Process),
 * or a pool of `workers` processes claiming tasks from shared memory (like
 * multiprocessing.Pool). Tasks, counter and sync state are in the trial's
 * shared mapping, so results come back without any pipe. */
#define _GNU_SOURCE
#include <conclab/plugin.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

enum { PARAM_WORKERS, PARAM_MAX, PARAM_COUNT };

static const struct cl_param_decl processes_params[] = {
	[PARAM_WORKERS] = { "workers", CL_PARAM_INT, 0, 0, 100000,
			    "processes in a pool that claim tasks; 0 = one process per task" },
	[PARAM_MAX] = { "max_procs", CL_PARAM_INT, 4096, 1, 1000000,
			"refuse to fork more processes than this in one trial" },
	[PARAM_COUNT] = { 0 },
};
CL_PARAMS_CHECK(processes_params, PARAM_COUNT);

static void worker(struct cl_trial *t, struct cl_task *task, size_t index)
{
	if (cl_trial_place(t, (unsigned)index) == 0 && cl_trial_barrier_wait(t) == 0) {
		if (task)
			cl_task_run(task);
		else
			while ((task = cl_trial_claim(t)))
				cl_task_run(task);
	}
	_exit(0);
}

static int processes_run(struct cl_trial *t, const int64_t *params)
{
	size_t ntasks = cl_trial_ntasks(t);
	size_t pool = (size_t)params[PARAM_WORKERS];
	size_t nprocs = pool && pool < ntasks ? pool : ntasks;
	struct rlimit nproc;
	pid_t *pids;
	size_t started = 0, died = 0;
	int err = 0, first_signal = 0;

	if (nprocs > (size_t)params[PARAM_MAX])
		return cl_trial_fail(t, E2BIG, "processes: %zu processes exceed the limit of %lld "
				     "(parameter processes.max_procs; use a pool: processes.workers)",
				     nprocs, (long long)params[PARAM_MAX]);
	if (getrlimit(RLIMIT_NPROC, &nproc) == 0 && nproc.rlim_cur != RLIM_INFINITY && geteuid() != 0 &&
	    nprocs > nproc.rlim_cur)
		return cl_trial_fail(t, EAGAIN, "processes: %zu processes exceed RLIMIT_NPROC (%llu)",
				     nprocs, (unsigned long long)nproc.rlim_cur);
	/* mmap, not malloc: a worker inherits it and exits without touching
	 * the heap (freeing there would copy a page per process) */
	pids = mmap(NULL, nprocs * sizeof *pids, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (pids == MAP_FAILED)
		return cl_trial_fail(t, ENOMEM, "processes: no memory for %zu pids", nprocs);
	cl_trial_barrier_arm(t, (unsigned)nprocs);
	fflush(NULL); /* children must not repeat buffered output */
	for (; started < nprocs; started++) {
		pid_t pid = fork();

		if (pid == 0)
			worker(t, pool ? NULL : cl_trial_task(t, started), started);
		if (pid < 0) {
			err = errno;
			cl_trial_barrier_cancel(t);
			break;
		}
		pids[started] = pid;
	}
	for (size_t i = 0; i < started; i++) {
		int status;

		while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
			;
		if (WIFSIGNALED(status) && !died++)
			first_signal = WTERMSIG(status);
	}
	munmap(pids, nprocs * sizeof *pids);
	if (err)
		return cl_trial_fail(t, err, "processes: fork failed for process %zu of %zu "
				     "(limits: RLIMIT_NPROC, /proc/sys/kernel/pid_max, memory)",
				     started + 1, nprocs);
	if (died)
		return cl_trial_fail(t, ECHILD, "processes: %zu worker processes died, the first "
				     "of signal %d (%s)", died, first_signal, strsignal(first_signal));
	return 0;
}

/* Refused at `conclab check`, before a trial starts them. */
static int processes_check(const struct cl_check_args *cell, char *err, size_t errlen)
{
	uint64_t pool = (uint64_t)cell->params[PARAM_WORKERS];
	uint64_t n = pool && pool < cell->ntasks ? pool : cell->ntasks;

	if (n <= (uint64_t)cell->params[PARAM_MAX])
		return 0;
	snprintf(err, errlen, "%llu processes exceed processes.max_procs = %lld (raise it, or %s)",
		 (unsigned long long)n, (long long)cell->params[PARAM_MAX],
		 pool ? "use fewer processes.workers" : "use a pool: processes.workers");
	return -1;
}

static const struct cl_strategy_ops processes_ops = {
	.flags = CL_STRATEGY_FORKS | CL_STRATEGY_PLACES,
	.run = processes_run,
};

CL_PLUGIN(.kind = CL_PLUGIN_STRATEGY,
	  .name = "processes",
	  .version = "1.0",
	  .summary = "one forked process per task, or a pool of workers",
	  .description = "Separate address spaces running in parallel on every core, like Python's "
			 "multiprocessing: waits overlap and CPU work scales; shared state must be "
			 "placed in shared memory (the counter, the lock), and forking costs more than "
			 "starting a thread.",
	  .params = processes_params,
	  .ops.strategy = &processes_ops,
	  .check = processes_check);
