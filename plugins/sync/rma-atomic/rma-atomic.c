/* rma-atomic: one-sided atomics. Each increment is one MPI_Fetch_and_op
 * (MPI_SUM of 1) on rank 0's counter inside a shared epoch: exact without
 * a lock, as C11's atomic add is on one machine. */
#include "../common/rma.h"

static int rma_atomic_init(void *shared, const struct cl_sync_setup *setup)
{
	return rma_open(shared, setup, "rma-atomic", true);
}

static void rma_atomic_add(void *shared, void *local, uint64_t *counter, uint64_t n)
{
	struct rma *r = shared;
	const uint64_t one = 1;

	(void)local;
	(void)counter;
	for (uint64_t i = 0; i < n; i++) { /* n separate updates, not one add of n */
		uint64_t old;

		MPI_Fetch_and_op(&one, &old, MPI_UINT64_T, 0, 0, MPI_SUM, r->win);
		MPI_Win_flush(0, r->win);
	}
}

static const struct cl_sync_ops rma_atomic_ops = {
	.flags = CL_SYNC_REMOTE,
	.shared_size = sizeof(struct rma),
	.init = rma_atomic_init,
	.destroy = rma_close,
	.add = rma_atomic_add,
	.counter = rma_counter,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "rma-atomic",
	  .version = "1.0",
	  .summary = "MPI window, MPI_Fetch_and_op: atomic, no lock",
	  .description = "Exact without a lock: each increment is one MPI_Fetch_and_op on rank 0's "
			 "counter, the network's (or shared memory's) atomic add. Works only with the "
			 "mpi strategy.",
	  .ops.sync = &rma_atomic_ops);
