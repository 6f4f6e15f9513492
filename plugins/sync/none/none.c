/* none: no protection at all. Its lost updates are the finding it exists to
 * show (the seed's race condition), so it declares CL_SYNC_INEXACT. */
#include <conclab/plugin.h>

/* Real calls, not inline no-ops: the increment loop stays a separate
 * load and store per update, which is what lets updates race. */
static void none_lock(void *shared, void *local)
{
	(void)shared;
	(void)local;
}

static void none_unlock(void *shared, void *local)
{
	(void)shared;
	(void)local;
}

static const struct cl_sync_ops none_ops = {
	.flags = CL_SYNC_INEXACT,
	.lock = none_lock,
	.unlock = none_unlock,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "none",
	  .version = "1.0",
	  .summary = "no lock: the race condition, measured",
	  .description = "Each increment is a plain load and store of the shared counter. With two or "
			 "more tasks running at once, updates interleave and are lost; the count of "
			 "lost updates is reported as the finding, not as a failure.",
	  .ops.sync = &none_ops);
