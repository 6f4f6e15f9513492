/* The RMA syncs' baseline: each rank adds 1 to a counter in rank 0's MPI-3
 * window N times, as the matching sync does, timed between two barriers;
 * prints the time per increment (the slowest rank's) and the counter.
 *   mpirun -np R mpi_counter atomic|lock|none N */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	int rank, size;
	const char *mode = argc > 1 ? argv[1] : "atomic";
	long n = argc > 2 ? atol(argv[2]) : 20000;
	uint64_t *base, one = 1, old, value;
	MPI_Win win;
	int lock_all = strcmp(mode, "lock") != 0;

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	MPI_Win_allocate(rank == 0 ? (MPI_Aint)sizeof *base : 0, sizeof *base, MPI_INFO_NULL,
			 MPI_COMM_WORLD, &base, &win);
	if (rank == 0) {
		MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
		*base = 0;
		MPI_Win_unlock(0, win);
	}
	MPI_Barrier(MPI_COMM_WORLD);
	if (lock_all)
		MPI_Win_lock_all(0, win);
	double t0 = MPI_Wtime();

	for (long i = 0; i < n; i++) {
		if (!strcmp(mode, "atomic")) {
			MPI_Fetch_and_op(&one, &old, MPI_UINT64_T, 0, 0, MPI_SUM, win);
			MPI_Win_flush(0, win);
		} else {
			if (!lock_all)
				MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
			MPI_Get(&value, 1, MPI_UINT64_T, 0, 0, 1, MPI_UINT64_T, win);
			MPI_Win_flush(0, win);
			value++;
			MPI_Put(&value, 1, MPI_UINT64_T, 0, 0, 1, MPI_UINT64_T, win);
			if (lock_all)
				MPI_Win_flush(0, win);
			else
				MPI_Win_unlock(0, win);
		}
	}
	double mine = MPI_Wtime() - t0, slowest;

	MPI_Reduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
	if (lock_all)
		MPI_Win_unlock_all(win);
	MPI_Barrier(MPI_COMM_WORLD);
	if (rank == 0)
		printf("mpi_counter %s %d ranks x %ld: %.4f us/increment, counter %llu\n", mode, size, n,
		       slowest / (double)n * 1e6, (unsigned long long)*base);
	MPI_Win_free(&win);
	MPI_Finalize();
	return 0;
}
