/* The mpi strategy's baseline: a hand-written MPI program that does what a
 * conclab mpi trial does around its tasks, and no more: rank 0 reads the
 * job from stdin and broadcasts it, a barrier, tasks i, i + size, ... each
 * sleeping `ms` (clock_nanosleep), a barrier, each task's start and end
 * gathered to rank 0 and printed. Timed from outside, mpirun included, as
 * conclab's trial wall time is.
 *   mpirun -np R mpi_tasks TASKS MS < /dev/null */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int rank, size;
	char job[16384] = "";
	long tasks = argc > 1 ? atol(argv[1]) : 4, ms = argc > 2 ? atol(argv[2]) : 1;

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	if (rank == 0 && read(0, job, sizeof job) < 0)
		job[0] = 0;
	MPI_Bcast(job, sizeof job, MPI_CHAR, 0, MPI_COMM_WORLD);
	int64_t *mine = calloc((size_t)tasks * 2, sizeof *mine), *all = calloc((size_t)tasks * 2, sizeof *all);

	MPI_Barrier(MPI_COMM_WORLD);
	for (long i = rank; i < tasks; i += size) {
		struct timespec d = { ms / 1000, (ms % 1000) * 1000000 };

		mine[2 * i] = now_ns();
		clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL);
		mine[2 * i + 1] = now_ns();
	}
	MPI_Barrier(MPI_COMM_WORLD);
	MPI_Reduce(mine, all, (int)tasks * 2, MPI_INT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
	if (rank == 0) {
		int64_t first = all[0], last = all[1];

		for (long i = 0; i < tasks; i++) {
			first = all[2 * i] < first ? all[2 * i] : first;
			last = all[2 * i + 1] > last ? all[2 * i + 1] : last;
		}
		printf("mpi_tasks %ld tasks on %d ranks: tasks spanned %.3f ms\n", tasks, size,
		       (double)(last - first) / 1e6);
	}
	free(mine);
	free(all);
	MPI_Finalize();
	return 0;
}
