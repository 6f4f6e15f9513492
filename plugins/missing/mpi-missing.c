/* What stands in for the MPI plugins (mpi, rma-none, rma-lock, rma-atomic)
 * when conclab was built without Open MPI: a plugin of the same name and
 * kind that `conclab plugins` lists and `conclab check` refuses, saying
 * what to install, so a config that names them fails before any trial with
 * that reason instead of "no such plugin". */
#include <conclab/plugin.h>

#include <stdio.h>

static int missing_check(const struct cl_check_args *cell, char *err, size_t errlen)
{
	(void)cell;
	snprintf(err, errlen, "'%s' was not built: Open MPI was not found when this conclab was "
		 "built (Debian: apt-get install libopenmpi-dev openmpi-bin, then build again; "
		 "scripts/bootstrap does both)", STUB_NAME);
	return -1;
}

#ifdef STUB_STRATEGY
static int missing_run(struct cl_trial *t, const int64_t *params)
{
	(void)params;
	return cl_trial_fail(t, 0, "'%s' was not built: Open MPI was not found", STUB_NAME);
}

static const struct cl_strategy_ops missing_ops = {
	.flags = CL_STRATEGY_REMOTE,
	.run = missing_run,
};
#define STUB_KIND CL_PLUGIN_STRATEGY
#define STUB_OPS .ops.strategy = &missing_ops
#else
static void missing_add(void *shared, void *local, uint64_t *counter, uint64_t n)
{
	(void)shared, (void)local, (void)counter, (void)n;
}

static uint64_t missing_counter(void *shared)
{
	(void)shared;
	return 0;
}

static const struct cl_sync_ops missing_ops = {
	.flags = CL_SYNC_REMOTE,
	.add = missing_add,
	.counter = missing_counter,
};
#define STUB_KIND CL_PLUGIN_SYNC
#define STUB_OPS .ops.sync = &missing_ops
#endif

CL_PLUGIN(.kind = STUB_KIND,
	  .name = STUB_NAME,
	  .version = "0 (not built)",
	  .summary = "not built: needs Open MPI (libopenmpi-dev, openmpi-bin)",
	  .description = "conclab was built where Open MPI was not found; install it and build "
			 "again to run MPI trials.",
	  .check = missing_check,
	  STUB_OPS);
