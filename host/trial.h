/* Running one trial in its own child process and judging what came back:
 * the uniform record every strategy and sync produce. */
#ifndef CONCLAB_TRIAL_H
#define CONCLAB_TRIAL_H

#include "config.h"

#include <stdbool.h>

enum cl_status {
	CL_STATUS_OK = 0, /* finished, every check passed                        */
	CL_STATUS_WRONG,  /* finished, but a count, checksum or sleep is wrong   */
	CL_STATUS_CRASHED,/* the trial process died of a signal                  */
	CL_STATUS_HUNG,   /* no result before the timeout; killed with its group */
	CL_STATUS_ERROR,  /* the strategy or sync reported an error, or exit()   */
};

/* What one task did, times in ns from the start of the strategy's run
 * (-1: never started / never finished). */
struct cl_task_record {
	int64_t  start_ns, end_ns;
	uint64_t checksum;
};

struct cl_trial_result {
	enum cl_status status;
	int      signal;          /* crashed: the signal                        */
	char     message[640];    /* why, for anything but ok                   */
	char    *output;          /* what the plugins printed, or NULL (owned)  */
	bool     warmup;          /* run and dropped from the statistics        */
	int64_t  wall_ns;         /* the strategy's run, start barrier included */
	int64_t  user_ns, sys_ns; /* CPU of the trial process and its children  */
	double   cores;           /* (user + sys) / wall                        */
	long     max_rss_kb;
	long     vcsw, ivcsw;     /* voluntary / involuntary context switches   */
	int64_t  tasks, tasks_done;
	int64_t  lat_p50_ns, lat_p90_ns, lat_p99_ns, lat_max_ns; /* per task      */
	int64_t  start_skew_ns;   /* first to last task start                   */
	uint64_t counter_expected, counter_actual;
	int64_t  counter_lost;
	bool     inexact;         /* the sync promises no exactness (none)      */
	bool     checksum_ok;
	int64_t  left_behind;     /* processes still alive after the trial, killed */
	bool     interrupted;     /* stopped by the run's stop_fd: not a result */
	struct cl_task_record *records; /* keep_tasks: one per task (owned), else NULL */
};

struct cl_run_opts {
	int64_t timeout_ms;
	bool    keep_tasks; /* copy every task's record into the result */
	int     stop_fd;    /* > 0: when it becomes readable (a signal came), the
			     * trial is killed and marked interrupted */
};

/* Run `cell` once in a child process and fill *r. Returns 0 whenever a
 * record was made (whatever its status), -1 only if the host itself could
 * not fork or map memory (then r->message says why). Makes the caller a
 * child subreaper; every child it has when the trial ends is taken for one
 * the trial left behind and killed, so it must have no others. */
int cl_trial_execute(const struct cl_cell *cell, const struct cl_run_opts *opts,
		     struct cl_trial_result *r);

void cl_trial_result_free(struct cl_trial_result *r);

const char *cl_status_name(enum cl_status s);

#endif
