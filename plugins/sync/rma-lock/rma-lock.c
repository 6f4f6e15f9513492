/* rma-lock: the seed's fix across ranks. Each increment takes rank 0's
 * window under an exclusive lock (MPI_Win_lock), reads, adds, writes and
 * unlocks: exact, and every update pays a lock round trip. */
#include "../common/rma.h"

static int rma_lock_init(void *shared, const struct cl_sync_setup *setup)
{
	return rma_open(shared, setup, "rma-lock", false);
}

static void rma_lock_add(void *shared, void *local, uint64_t *counter, uint64_t n)
{
	struct rma *r = shared;

	(void)local;
	(void)counter;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t value;

		MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, r->win);
		MPI_Get(&value, 1, MPI_UINT64_T, 0, 0, 1, MPI_UINT64_T, r->win);
		MPI_Win_flush(0, r->win);
		value++;
		MPI_Put(&value, 1, MPI_UINT64_T, 0, 0, 1, MPI_UINT64_T, r->win);
		MPI_Win_unlock(0, r->win);
	}
}

static const struct cl_sync_ops rma_lock_ops = {
	.flags = CL_SYNC_REMOTE,
	.shared_size = sizeof(struct rma),
	.init = rma_lock_init,
	.destroy = rma_close,
	.add = rma_lock_add,
	.counter = rma_counter,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "rma-lock",
	  .version = "1.0",
	  .summary = "MPI window under an exclusive lock (MPI_Win_lock)",
	  .description = "The seed's lock across ranks: each increment locks rank 0's window "
			 "exclusively, reads, adds and writes back. Exact; each update costs a lock "
			 "round trip. Works only with the mpi strategy.",
	  .ops.sync = &rma_lock_ops);
