/* mpi: a trial's tasks on MPI ranks, started by Open MPI's mpirun, on this
 * machine or on the hosts of params.mpi.hosts / hostfile (or of the batch
 * job's allocation, which mpirun finds itself). The trial process is the
 * launcher: it hands the exported trial to mpirun's stdin (rank 0 reads
 * it), reads the ranks' protocol from mpirun's stdout (rank.c), imports
 * each rank's records into the trial, and keeps mpirun's stderr, from
 * which it names the rank or host that failed. It stops mpirun before the
 * trial's deadline, so a hanging rank is named rather than the whole
 * trial being killed as hung. */
#define _GNU_SOURCE
#include "launch.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { PARAM_RANKS, PARAM_POOL, PARAM_MAX, PARAM_HOSTS, PARAM_HOSTFILE, PARAM_COUNT };

static const struct cl_param_decl mpi_params[] = {
	[PARAM_RANKS] = { "ranks", CL_PARAM_INT, 0, 0, MPI_MAX_RANKS,
			  "MPI ranks (mpirun -np); 0 = one per task; never more than the tasks" },
	[PARAM_POOL] = { "pool", CL_PARAM_BOOL, 0, 0, 1,
			 "ranks claim tasks one by one (a pool over ranks); false = task i on rank i % ranks" },
	[PARAM_MAX] = { "max_ranks", CL_PARAM_INT, 256, 1, MPI_MAX_RANKS,
			"refuse to start more ranks than this in one trial" },
	/* conclab checks both as it hands them to mpirun (docs/mpi.md) */
	[PARAM_HOSTS] = { "hosts", CL_PARAM_TEXT, 0, 0, 255,
			  "where the ranks run, as mpirun --host: \"node1:4,node2:4\"" },
	[PARAM_HOSTFILE] = { "hostfile", CL_PARAM_PATH, 0, 0, 511,
			     "a hostfile, as mpirun --hostfile (beside the config when relative)" },
	[PARAM_COUNT] = { 0 },
};
CL_PARAMS_CHECK(mpi_params, PARAM_COUNT);

static size_t ranks_of(uint64_t ntasks, int64_t ranks)
{
	return ranks && (uint64_t)ranks < ntasks ? (size_t)ranks : (size_t)ntasks;
}

/* The rank program sits beside this plugin's file, in the build tree and
 * in the install alike. */
static int rank_program(char *out, size_t len)
{
	Dl_info info;
	char self[PATH_MAX];

	if (!dladdr((void *)rank_program, &info) || !info.dli_fname)
		return -1;
	snprintf(self, sizeof self, "%s", info.dli_fname);
	snprintf(out, len, "%s/conclab-mpi-rank", dirname(self));
	return access(out, X_OK);
}

static int mpi_run(struct cl_trial *t, const int64_t *params)
{
	size_t ranks = ranks_of(cl_trial_ntasks(t), params[PARAM_RANKS]);
	const char *hosts = cl_param_text(params, PARAM_HOSTS), *file = cl_param_text(params, PARAM_HOSTFILE);
	struct mpi_launch l = { .trial = t, .ranks = ranks, .pool = params[PARAM_POOL] != 0,
				.hosts = *hosts ? hosts : NULL, .hostfile = *file ? file : NULL };
	size_t len = cl_trial_export(t, NULL, 0);
	int rc;

	if (ranks > (size_t)params[PARAM_MAX])
		return cl_trial_fail(t, E2BIG, "mpi: %zu ranks exceed the limit of %lld (parameter "
				     "mpi.max_ranks; or set mpi.ranks)", ranks, (long long)params[PARAM_MAX]);

	if (rank_program(l.program, sizeof l.program))
		return cl_trial_fail(t, ENOENT, "mpi: the rank program %s is missing (a broken "
				     "install: it belongs beside the plugin)", l.program);
	if (!(l.spec = malloc(len)))
		return cl_trial_fail(t, ENOMEM, "mpi: no memory for the trial's export");
	l.spec_len = cl_trial_export(t, l.spec, len);
	rc = mpi_launch(&l);
	free(l.spec);
	return rc;
}

/* Refused at `conclab check`, before a trial starts them. */
static int mpi_check(const struct cl_check_args *cell, char *err, size_t errlen)
{
	size_t ranks = ranks_of(cell->ntasks, cell->params[PARAM_RANKS]);

	if (ranks <= (size_t)cell->params[PARAM_MAX])
		return 0;
	snprintf(err, errlen, "%zu ranks exceed mpi.max_ranks = %lld (raise it, or %s)", ranks,
		 (long long)cell->params[PARAM_MAX],
		 cell->params[PARAM_RANKS] ? "use fewer mpi.ranks" : "set mpi.ranks: 0 starts one a task");
	return -1;
}

static const struct cl_strategy_ops mpi_ops = {
	.flags = CL_STRATEGY_REMOTE,
	.run = mpi_run,
};

CL_PLUGIN(.kind = CL_PLUGIN_STRATEGY,
	  .name = "mpi",
	  .version = "1.1",
	  .summary = "MPI ranks started by mpirun (Open MPI), here or on other hosts",
	  .description = "Message passing, the model for more than one machine: each rank is a "
			 "process of its own, maybe on another host, sharing nothing but what it sends "
			 "and the MPI windows of the rma syncs. Waits overlap across ranks, CPU work "
			 "scales with them; a rank runs its own tasks one after another. Set "
			 "params.mpi.hosts (\"a:4,b:4\") or params.mpi.hostfile to run across hosts.",
	  .params = mpi_params,
	  .ops.strategy = &mpi_ops,
	  .check = mpi_check);
