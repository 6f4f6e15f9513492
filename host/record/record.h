/* The trial record: what one trial did, as every strategy and sync produce
 * it, with its status names and its JSON form (the results file's trials and
 * the journal's lines). The sandbox fills it; the results, the journal and
 * every view read it. */
#ifndef CLH_RECORD_H
#define CLH_RECORD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
	uint64_t ops; /* operations of its increment steps           */
	int32_t  cpu; /* the CPU it ended on; -1: unknown            */
};

/* A sample of a duration step: every task's operations so far. */
struct cl_sample {
	int64_t  t_ns; /* since the window opened */
	uint64_t ops;
};

struct cl_trial_result {
	enum cl_status status;
	int      signal;          /* crashed: the signal                        */
	char     message[640];    /* why, for anything but ok                   */
	char    *output;          /* what the plugins printed, or NULL (owned)  */
	bool     warmup;          /* run and dropped from the statistics        */
	int64_t  seq;             /* its place in the run's order, from 0       */
	int64_t  wall_ns;         /* the strategy's run, start barrier included */
	int64_t  user_ns, sys_ns; /* CPU of the trial process and its children,
				   * over the same interval as wall_ns          */
	double   cores;           /* (user + sys) / wall                        */
	long     max_rss_kb;      /* the largest single process's peak RSS     */
	int64_t  rss_sum_kb;      /* the peak of the sum of every process's RSS:
				   * the whole trial's memory                  */
	int64_t  pss_sum_kb;      /* the same of proportional sets (shared pages
				   * split between their processes); 0: none   */
	long     vcsw, ivcsw;     /* voluntary / involuntary context switches   */
	int64_t  tasks, tasks_done;
	int64_t  lat_p50_ns, lat_p90_ns, lat_p99_ns, lat_max_ns; /* service: a task's
				   * first step to its last                       */
	int64_t  resp_p50_ns, resp_p90_ns, resp_p99_ns, resp_max_ns; /* response: the
				   * run's start (every task is ready then) to the
				   * task's end, waiting for a worker included     */
	int64_t  start_skew_ns;   /* first to last task start                   */
	uint64_t counter_expected, counter_actual;
	int64_t  counter_lost;
	bool     inexact;         /* the sync promises no exactness (none)      */
	bool     checksum_ok;
	int64_t  left_behind;     /* processes still alive after the trial, killed */
	bool     interrupted;     /* stopped by the run's stop_fd: not a result */
	double   steal_pct;       /* CPU time the hypervisor took meanwhile, %  */
	int64_t  others_running;  /* other processes running when it started    */
	bool     interfered;      /* measured under interference (either above) */
	/* A trial with request steps to conclab's own server (docs/results-schema.md,
	 * "server"): what that server used, read as it was reaped */
	bool     has_server;
	int64_t  server_cpu_ns;   /* its CPU, user and system, over its life     */
	long     server_rss_kb;   /* its peak resident set                       */
	double   server_busy;     /* server_cpu_ns / wall_ns: CPUs it kept busy  */
	bool     server_bound;    /* server_busy >= CL_SERVER_BOUND (and a ms of
				   * CPU): the figure may be the server's          */
	struct cl_task_record *records; /* keep_tasks: one per task (owned), else NULL */
	/* A workload with a duration step (docs/results-schema.md, "duration") */
	bool     timed;
	int64_t  window_ns;       /* first task into the step to last task out  */
	uint64_t ops;             /* every task's operations in the step         */
	double   ops_per_s;       /* ops / window                                */
	uint64_t ops_min, ops_max;/* the fewest and most of one task             */
	double   ops_cv, jain;    /* fairness: cl_fairness_of over the tasks     */
	int64_t  first_wait_max_ns; /* the longest a task waited for its first
				   * operation in the step (verify's progress)  */
	int64_t  late_first;      /* tasks that asked in the window's first half
				   * and first got through after it closed      */
	uint64_t witnessed, overtaken; /* witnessed writes, and those served out
				   * of the order they asked in (verify's FIFO) */
	size_t   nsamples;
	struct cl_sample *samples; /* in time order (owned), NULL if none        */
	size_t   ntask_ops;       /* each task's operations in the step (owned): */
	uint64_t *task_ops;       /* up to CL_TASK_OPS_MAX tasks, else none      */
	/* A workload with open-loop arrivals (docs/results-schema.md,
	 * "arrival"): response_ns is then from each task's scheduled time */
	bool     open_loop;
	double   offered_per_s;   /* the configured rate                          */
	double   scheduled_per_s; /* this schedule's own: the tasks between the
				   * first and the last arrival over that span
				   * (a Poisson draw differs from the rate)      */
	double   achieved_per_s;  /* tasks done between the first and the last
				   * arrival, over that span                      */
	bool     overloaded;      /* it could not keep up: achieved below 90% of
				   * scheduled and the backlog grew to the end   */
	int64_t  late_p50_ns, late_p99_ns, late_max_ns; /* start behind schedule */
	/* Task classes: each class's tasks and their response times */
	size_t   nclasses;
	struct cl_class_figures {
		char    name[32];
		int64_t tasks, done;
		int64_t resp_p50_ns, resp_p99_ns;
	} classes[16];
};

/* The server busy this much of one CPU over a trial marks it: the
 * strategy's figure may then measure the server (docs/results-schema.md);
 * not below a millisecond of its CPU, where accepting and closing one
 * connection is the ratio, not serving. */
#define CL_SERVER_BOUND        0.5
#define CL_SERVER_BOUND_MIN_NS 1000000

/* A timed trial records each task's count up to this many tasks. */
#define CL_TASK_OPS_MAX 10000

/* "ok", "wrong", "crashed", "hung", "error". */
const char *cl_status_name(enum cl_status s);

/* Measured (not warmup) and ok: a trial the statistics count. */
bool cl_trial_counts(const struct cl_trial_result *t);

void cl_trial_result_free(struct cl_trial_result *r);

/* One trial as the results file and the journal record it, and back.
 * from_json: 0, or -1 with the reason in err; t->output is malloc'ed. */
json_t *cl_trial_to_json(const struct cl_trial_result *t);
int     cl_trial_from_json(const json_t *j, struct cl_trial_result *t, char *err, size_t errlen);

#endif
