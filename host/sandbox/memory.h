/* The memory of a whole trial: the peak of the sum of the resident sets of
 * its processes (the trial process and every process it or they started:
 * forked workers, mpirun and the ranks it runs on this machine), sampled
 * while it runs. rusage gives only the largest single process, which ranks
 * 51 processes below one threaded process, and 4 MPI ranks and mpirun
 * below the largest of them. */
#ifndef CLH_SANDBOX_MEMORY_H
#define CLH_SANDBOX_MEMORY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct cl_memory_watch {
	pid_t   root;        /* the trial process, or the namespace's init   */
	bool    skip_root;   /* the root is the init: only its descendants
			      * are the trial's                              */
	int64_t last_kb;     /* the last sample's sum of resident sets        */
	int64_t last_procs;  /* and how many tasks, processes and threads      */
	int64_t peak_kb;     /* the largest sum of resident sets seen         */
	int64_t peak_pss_kb; /* the largest sum of proportional sets (pages
			      * shared by n processes count 1/n in each); 0
			      * where the kernel gives none                  */
	int64_t next_ns;     /* when to sample again                         */
	int64_t interval_ns; /* grows with the cost of a sample              */
	bool    sampling;    /* false: a trial of one process, not watched   */
};

/* Watch the trial whose process is root. Only a trial of more than one
 * process (`forks`: its strategy forks, or starts processes that run its
 * tasks, as a remote one's mpirun does) is sampled: one process's peak is
 * rusage's, exactly, and every wake-up of the host takes a CPU from the
 * trial (a spinning lock waiter preempted stalls a queue lock for every
 * task behind it). */
void cl_memory_watch_start(struct cl_memory_watch *w, pid_t root, bool forks);
/* Watch the trial under the namespace's init `init` (not counted itself);
 * `forks` as above, or true when a limit must be checked by sampling. */
void cl_memory_watch_root(struct cl_memory_watch *w, pid_t init);

/* Sample if it is time; returns how many ms until the next sample. */
int cl_memory_watch_tick(struct cl_memory_watch *w);

#endif
