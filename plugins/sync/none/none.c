/* none: no protection at all. Its lost updates are the finding it exists to
 * show (the seed's race condition), so it declares CL_SYNC_INEXACT. */
#include <conclab/plugin.h>

#include <stdint.h>

/* n separate read-modify-writes, each a plain load then a plain store
 * (volatile, so they are neither fused nor kept in a register): two tasks
 * doing this at once lose updates, as the seed's `counter += 1` does. This
 * function is the one intended data race in conclab; ThreadSanitizer runs
 * suppress it by this name (tests/tsan.supp) and nothing else. */
static void none_add(void *shared, void *local, uint64_t *counter, uint64_t n)
{
	volatile uint64_t *c = counter;

	(void)shared;
	(void)local;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t v = *c;

		*c = v + 1;
	}
}

static const struct cl_sync_ops none_ops = {
	.flags = CL_SYNC_INEXACT,
	.add = none_add,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "none",
	  .version = "1.0",
	  .summary = "no lock: the race condition, measured",
	  .description = "Each increment is a plain load and store of the shared counter. With two or "
			 "more tasks running at once, updates interleave and are lost; the count of "
			 "lost updates is reported as the finding, not as a failure.",
	  .ops.sync = &none_ops);
