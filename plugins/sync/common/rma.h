/* The counter of the RMA syncs: one 64-bit word in an MPI-3 window, held
 * by rank 0, which every rank of the mpi strategy reaches with one-sided
 * operations (get, put, fetch-and-op) whether it runs on this host or
 * another. What each sync does around those operations is what it shows.
 * Tasks of one rank run one after another, so the state here is the
 * rank's alone. Shared by rma-none, rma-lock and rma-atomic. */
#ifndef CL_SYNC_RMA_H
#define CL_SYNC_RMA_H

#include <conclab/plugin.h>

#include <errno.h>
#include <mpi.h>
#include <stdbool.h>
#include <string.h>

struct rma {
	MPI_Win   win;
	uint64_t *base;     /* rank 0's word; nothing on the others     */
	bool      lock_all; /* a shared passive-target epoch is open    */
};

static int rma_error(const struct cl_sync_setup *setup, const char *name, const char *call, int rc)
{
	char text[MPI_MAX_ERROR_STRING] = "";
	int len = 0;

	MPI_Error_string(rc, text, &len);
	return cl_trial_fail(setup->trial, EIO, "sync '%s': %s failed: %s", name, call, text);
}

/* Collective: every rank opens the window, in the same order. With
 * `lock_all` one shared epoch stays open for the whole trial (the cheapest
 * way to reach the word: each operation then only needs a flush);
 * without it each update takes the lock it needs. */
static int rma_open(void *shared, const struct cl_sync_setup *setup, const char *name, bool lock_all)
{
	struct rma *r = shared;
	int inited = 0, rank = 0, rc;

	MPI_Initialized(&inited);
	if (!inited)
		return cl_trial_fail(setup->trial, EINVAL, "sync '%s' runs only in MPI ranks (with "
				     "strategy mpi)", name);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	rc = MPI_Win_allocate(rank == 0 ? (MPI_Aint)sizeof(uint64_t) : 0, sizeof(uint64_t),
			      MPI_INFO_NULL, MPI_COMM_WORLD, &r->base, &r->win);
	if (rc != MPI_SUCCESS)
		return rma_error(setup, name, "MPI_Win_allocate", rc);
	if (rank == 0) { /* a local store into a window is made inside an epoch */
		MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, r->win);
		*r->base = 0;
		MPI_Win_unlock(0, r->win);
	}
	MPI_Barrier(MPI_COMM_WORLD);
	r->lock_all = lock_all;
	if (lock_all)
		MPI_Win_lock_all(0, r->win);
	return 0;
}

/* The counter as rank 0 holds it, read after every rank's tasks ended. */
static uint64_t rma_counter(void *shared)
{
	struct rma *r = shared;
	uint64_t value = 0;

	if (!r->lock_all)
		MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, r->win);
	MPI_Get(&value, 1, MPI_UINT64_T, 0, 0, 1, MPI_UINT64_T, r->win);
	if (r->lock_all)
		MPI_Win_flush(0, r->win);
	else
		MPI_Win_unlock(0, r->win);
	return value;
}

static void rma_close(void *shared)
{
	struct rma *r = shared;

	if (r->lock_all)
		MPI_Win_unlock_all(r->win);
	MPI_Win_free(&r->win);
}

#endif
