/* The mpi strategy's launcher: mpirun as a child of the trial process,
 * fed the trial on its stdin, read on its stdout (rank.c's protocol) and
 * its stderr, stopped before the trial's deadline. */
#ifndef CL_MPI_LAUNCH_H
#define CL_MPI_LAUNCH_H

#include <conclab/plugin.h>

#include <limits.h>
#include <stdbool.h>

#define MPI_MAX_RANKS 4096
#define MPI_HOSTLEN   64

struct mpi_launch {
	struct cl_trial *trial;
	size_t           ranks;
	bool             pool;
	char             program[PATH_MAX]; /* conclab-mpi-rank */
	char            *spec;              /* the exported trial */
	size_t           spec_len;
	const char      *hosts, *hostfile;  /* params: mpirun's --host and
					     * --hostfile; NULL: none     */
};

/* Run the trial's tasks on l->ranks ranks; 0, or -errno after
 * cl_trial_fail naming the rank or host that failed. */
int mpi_launch(const struct mpi_launch *l);

/* What the ranks said so far, and what mpirun wrote on stderr. */
struct mpi_progress {
	bool    started;       /* the "go" line came            */
	int64_t epoch_ns;      /* when it came, on this clock    */
	size_t  nranks;
	char  (*hosts)[MPI_HOSTLEN]; /* of each rank, from "go"  */
	bool   *done;          /* each rank's "done" line came   */
	bool   *reported;      /* each rank's results came       */
	bool    ended;         /* the "end" line came            */
	bool    exited;        /* mpirun was reaped: its status  */
	int     status;
	int     import_rc;     /* the first import that failed   */
	char    err_tail[8192]; /* the end of mpirun's stderr    */
	size_t  err_len;
};

/* A line of the protocol may be long: a rank's results in hex, 80
 * characters a task. */
struct line_buf {
	char  *data;
	size_t len, cap;
};

/* What mpirun's stdout and stderr bring (protocol.c): data as it comes,
 * lines assembled in *b; rank 0's protocol imported into the trial, the
 * ranks' "done" marks noted (`eof`: stderr ended, take what is left). */
void mpi_read_out(const struct mpi_launch *l, struct mpi_progress *p, struct line_buf *b,
		  const char *data, size_t n, long pending[2]);
void mpi_read_err(struct mpi_progress *p, struct line_buf *b, const char *data, size_t n, bool eof);

/* Why mpirun ended without the results, in words naming the rank or host:
 * from the exit status and what it and the ranks wrote on stderr. */
void mpi_explain(const struct mpi_progress *p, int status, const char *hosts, const char *hostfile,
		 char *out, size_t len);

#endif
