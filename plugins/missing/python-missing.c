/* What stands in for the py-* strategies when conclab was built without
 * CPython's embedding library: a plugin of the same name that `conclab
 * plugins` lists and `conclab check` refuses, saying what to install (as
 * the MPI plugins' stand-ins do). */
#include <conclab/plugin.h>

#include <stdio.h>

static int missing_check(const struct cl_check_args *cell, char *err, size_t errlen)
{
	(void)cell;
	snprintf(err, errlen, "'%s' was not built: CPython's embedding library was not found when "
		 "this conclab was built (Debian: apt-get install libpython3-dev, then build again; "
		 "scripts/bootstrap does both)", STUB_NAME);
	return -1;
}

static int missing_run(struct cl_trial *t, const int64_t *params)
{
	(void)params;
	return cl_trial_fail(t, 0, "'%s' was not built: libpython3-dev was not found", STUB_NAME);
}

static const struct cl_strategy_ops missing_ops = {
	.run = missing_run,
};

CL_PLUGIN(.kind = CL_PLUGIN_STRATEGY,
	  .name = STUB_NAME,
	  .version = "0 (not built)",
	  .summary = "not built: needs CPython's embedding library (libpython3-dev)",
	  .description = "conclab was built where libpython3-dev was not found; install it and "
			 "build again to run Python trials.",
	  .check = missing_check,
	  .ops.strategy = &missing_ops);
