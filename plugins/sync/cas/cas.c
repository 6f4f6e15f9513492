/* cas: each increment is a compare-and-swap retry loop: read the counter,
 * try to swap in one more, start again when another task got there first.
 * Beside `atomic` (one fetch-and-add) it shows what a lock-free algorithm
 * that must retry pays under contention. */
#include <conclab/plugin.h>

#include <ck_pr.h>

static void cas_add(void *shared, void *local, uint64_t *counter, uint64_t n)
{
	(void)shared;
	(void)local;
	for (uint64_t i = 0; i < n; i++) { /* n separate updates */
		uint64_t seen = ck_pr_load_64(counter);

		while (!ck_pr_cas_64_value(counter, seen, seen + 1, &seen))
			ck_pr_stall();
	}
}

static const struct cl_sync_ops cas_ops = {
	.add = cas_add,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "cas",
	  .version = "1.0",
	  .summary = "compare-and-swap retry loop (ck_pr_cas_64_value), no lock",
	  .description = "Exact without a lock, like atomic, but by optimism: read, compute, swap if "
			 "nobody wrote meanwhile, else retry. One task pays about what a fetch-and-add "
			 "does; contended, failed swaps are wasted round trips of the cache line.",
	  .ops.sync = &cas_ops);
