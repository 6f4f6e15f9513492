/* rma-none: the seed's race across ranks. Each increment reads rank 0's
 * counter (MPI_Get), adds one here and writes it back (MPI_Put), with
 * nothing between two ranks' read and write: updates are lost exactly as
 * the seed's threads lose them, only over a network instead of a cache
 * line. Inexact on purpose: the lost updates are the finding. */
#include "../common/rma.h"

static int rma_none_init(void *shared, const struct cl_sync_setup *setup)
{
	return rma_open(shared, setup, "rma-none", true);
}

static void rma_none_add(void *shared, void *local, uint64_t *counter, uint64_t n)
{
	struct rma *r = shared;

	(void)local;
	(void)counter; /* the counter is rank 0's word, not the trial's */
	for (uint64_t i = 0; i < n; i++) {
		uint64_t value;

		MPI_Get(&value, 1, MPI_UINT64_T, 0, 0, 1, MPI_UINT64_T, r->win);
		MPI_Win_flush(0, r->win);
		value++;
		MPI_Put(&value, 1, MPI_UINT64_T, 0, 0, 1, MPI_UINT64_T, r->win);
		MPI_Win_flush(0, r->win);
	}
}

static const struct cl_sync_ops rma_none_ops = {
	.flags = CL_SYNC_REMOTE | CL_SYNC_INEXACT,
	.shared_size = sizeof(struct rma),
	.init = rma_none_init,
	.destroy = rma_close,
	.add = rma_none_add,
	.counter = rma_counter,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "rma-none",
	  .version = "1.0",
	  .summary = "MPI window, get + put, no protection (the race across ranks)",
	  .description = "The seed's race condition at cluster scale: each increment reads rank 0's "
			 "counter with MPI_Get and writes it back with MPI_Put, and another rank's "
			 "update between the two is lost. Works only with the mpi strategy.",
	  .ops.sync = &rma_none_ops);
