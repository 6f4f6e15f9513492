/* conclab-mpi-rank: one MPI rank of the mpi strategy, started by mpirun.
 *
 * Rank 0 reads the exported trial from stdin (mpirun forwards the trial
 * process's pipe to it) and broadcasts it; every rank opens a trial of its
 * own from it (its sync's MPI window is created collectively there), waits
 * at a common barrier, runs its tasks one after another (one rank is one
 * process, as in plain MPI programs), says on stdout that it is done, and
 * once all are done sends its results to rank 0, which writes them for
 * the trial process to import:
 *
 *   go <nranks> <host of rank 0> <host of rank 1> ...  after the barrier
 *   results <rank> <bytes>\n<hex>\n                    for every rank
 *   end                                                last
 *
 * Only rank 0 writes to stdout, and only these lines: whatever else a
 * plugin prints goes to stderr, which the trial keeps as its output. Each
 * rank says "conclab-mpi-done <rank>" on stderr once its tasks are done,
 * so the launcher can name a rank that never does. */
#define _GNU_SOURCE
#include <conclab/runtime.h>

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HOSTLEN 64

static FILE *protocol; /* the real stdout */

static char *read_all(int fd, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	ssize_t got;

	while (buf && (got = read(fd, buf + n, cap - n)) > 0)
		if ((n += (size_t)got) == cap && !(buf = realloc(buf, cap *= 2)))
			break;
	*len = n;
	return buf;
}

/* Tasks i, i + nranks, ... of this rank, or (pool) claimed one by one from
 * a cursor in rank 0's window, so a rank whose tasks are slow takes fewer. */
static void run_tasks(struct cl_trial *t, int rank, int nranks, int pool)
{
	size_t ntasks = cl_trial_ntasks(t);

	if (!pool) {
		for (size_t i = (size_t)rank; i < ntasks; i += (size_t)nranks)
			cl_task_run(cl_trial_task(t, i));
		return;
	}
	uint64_t *cursor, one = 1, next;
	MPI_Win win;

	MPI_Win_allocate(rank == 0 ? (MPI_Aint)sizeof *cursor : 0, sizeof *cursor, MPI_INFO_NULL,
			 MPI_COMM_WORLD, &cursor, &win);
	if (rank == 0) {
		MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
		*cursor = 0;
		MPI_Win_unlock(0, win);
	}
	MPI_Barrier(MPI_COMM_WORLD);
	MPI_Win_lock_all(0, win);
	for (;;) {
		MPI_Fetch_and_op(&one, &next, MPI_UINT64_T, 0, 0, MPI_SUM, win);
		MPI_Win_flush(0, win);
		if (next >= ntasks)
			break;
		cl_task_run(cl_trial_task(t, (size_t)next));
	}
	MPI_Win_unlock_all(win);
	MPI_Win_free(&win);
}

static void write_results(int nranks, const int *lens, const char *all)
{
	static const char hex[] = "0123456789abcdef";
	size_t at = 0;

	for (int r = 0; r < nranks; r++) {
		fprintf(protocol, "results %d %d\n", r, lens[r]);
		for (int i = 0; i < lens[r]; i++) {
			unsigned char b = (unsigned char)all[at + (size_t)i];

			putc(hex[b >> 4], protocol);
			putc(hex[b & 15], protocol);
		}
		putc('\n', protocol);
		at += (size_t)lens[r];
	}
	fputs("end\n", protocol);
	fflush(protocol);
}

/* Every rank opens a trial of its own from rank 0's stdin; NULL on every
 * rank when one could not (each that failed says why on stderr). */
static struct cl_trial *open_everywhere(int rank)
{
	size_t len = 0;
	char *spec = NULL, err[768] = "";
	struct cl_trial *t;
	int ok, all_ok;

	if (rank == 0 && !(spec = read_all(STDIN_FILENO, &len)))
		len = 0;
	unsigned long long n = len;

	MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
	if (rank != 0 && !(spec = malloc(n ? n : 1)))
		MPI_Abort(MPI_COMM_WORLD, 1);
	MPI_Bcast(spec, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD);
	t = cl_remote_open(spec, (size_t)n, err, sizeof err);
	free(spec);
	ok = t != NULL;
	MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	if (!ok)
		fprintf(stderr, "conclab-mpi-rank: rank %d: %s\n", rank, err);
	/* the window of a rank that opened one is not freed: freeing is
	 * collective, and the ranks that failed never made theirs */
	return all_ok ? t : NULL;
}

/* The common start: a barrier, this rank's clock as it leaves it (the
 * epoch its times are placed by on another host's clock), and rank 0
 * saying the ranks started, and on which hosts. */
static int64_t start_together(int rank, int nranks)
{
	char host[HOSTLEN] = "", *hosts = rank == 0 ? malloc((size_t)nranks * HOSTLEN) : NULL;
	int64_t epoch;

	if (rank == 0 && !hosts)
		MPI_Abort(MPI_COMM_WORLD, 1);
	gethostname(host, sizeof host - 1);
	MPI_Gather(host, HOSTLEN, MPI_CHAR, hosts, HOSTLEN, MPI_CHAR, 0, MPI_COMM_WORLD);
	MPI_Barrier(MPI_COMM_WORLD);
	epoch = cl_now_ns();
	if (rank == 0) {
		fprintf(protocol, "go %d", nranks);
		for (int r = 0; r < nranks; r++)
			fprintf(protocol, " %.*s", HOSTLEN, hosts + (size_t)r * HOSTLEN);
		fputc('\n', protocol);
		fflush(protocol);
	}
	free(hosts);
	return epoch;
}

/* Every rank's results to rank 0, which writes them; then the trial
 * closes (its sync's window is freed collectively). */
static void send_results(struct cl_trial *t, int rank, int nranks, int64_t epoch)
{
	size_t rlen = 0;
	char *res = cl_remote_results(t, epoch, &rlen), *all = NULL;
	int mine = res ? (int)rlen : 0, *lens = NULL, *at = NULL;

	if (rank == 0 && (!(lens = calloc((size_t)nranks, sizeof *lens)) ||
			  !(at = calloc((size_t)nranks, sizeof *at))))
		MPI_Abort(MPI_COMM_WORLD, 1);
	MPI_Gather(&mine, 1, MPI_INT, lens, 1, MPI_INT, 0, MPI_COMM_WORLD);
	if (rank == 0) {
		size_t total = 0;

		for (int r = 0; r < nranks; r++) {
			at[r] = (int)total;
			total += (size_t)lens[r];
		}
		if (!(all = malloc(total ? total : 1)))
			MPI_Abort(MPI_COMM_WORLD, 1);
	}
	MPI_Gatherv(res, mine, MPI_BYTE, all, lens, at, MPI_BYTE, 0, MPI_COMM_WORLD);
	cl_remote_close(t);
	if (rank == 0)
		write_results(nranks, lens, all);
	free(res);
	free(all);
	free(lens);
	free(at);
}

int main(int argc, char **argv)
{
	int rank, nranks, pool = argc > 1 && !strcmp(argv[1], "--pool");
	int out = dup(STDOUT_FILENO);
	struct cl_trial *t;

	/* stdout is the protocol's alone */
	dup2(STDERR_FILENO, STDOUT_FILENO);
	protocol = fdopen(out, "w");
	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &nranks);
	if (!(t = open_everywhere(rank))) {
		MPI_Finalize();
		return 3;
	}
	int64_t epoch = start_together(rank, nranks);

	run_tasks(t, rank, nranks, pool);
	/* on stderr, in one write: mpirun forwards each rank's output on its
	 * own schedule, and another rank's line inside rank 0's results on
	 * stdout would cut them; the launcher takes the line out again */
	char done[64];
	int n_done = snprintf(done, sizeof done, "conclab-mpi-done %d\n", rank);

	(void)!write(STDERR_FILENO, done, (size_t)n_done);
	MPI_Barrier(MPI_COMM_WORLD);
	send_results(t, rank, nranks, epoch);
	MPI_Finalize();
	return 0;
}
