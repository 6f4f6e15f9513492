/* atomic: no lock at all; each increment is one atomic read-modify-write
 * (lock xadd on x86), the C11 answer to the seed's race. */
#include <conclab/plugin.h>

static void atomic_add(void *shared, void *local, uint64_t *counter, uint64_t n)
{
	(void)shared;
	(void)local;
	for (uint64_t i = 0; i < n; i++) /* n separate updates, not one add of n */
		__atomic_fetch_add(counter, 1, __ATOMIC_SEQ_CST);
}

static const struct cl_sync_ops atomic_ops = {
	.add = atomic_add,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "atomic",
	  .version = "1.0",
	  .summary = "C11 atomic add, no lock",
	  .description = "Exact without a lock: the hardware makes each add indivisible. Still one "
			 "shared cache line, so contended adds serialise on it; `inside` work runs "
			 "before the add, not under any lock.",
	  .ops.sync = &atomic_ops);
