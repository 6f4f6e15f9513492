/* The results model: one experiment's cells and their trials, in memory, as
 * docs/results-schema.md describes the JSON file. A run builds it, a results
 * file loads into it, and every view (the terminal table, --vs, Markdown,
 * CSV, SVG, HTML, the seed table, compare) reads it. This module alone owns
 * the per-cell summary: one median, one definition of each column. */
#ifndef CLH_RESULTS_H
#define CLH_RESULTS_H

#include "record.h"
#include "stats.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#define CL_RESULTS_SCHEMA "conclab-results/1"

/* The default for a noisy cell: cv of the wall times above 5%. */
#define CL_CV_THRESHOLD 0.05

/* Over a cell's counted trials (measured, not warmup, and ok): each figure
 * the views show, defined once (docs/results-schema.md, "summary"). */
struct cl_cell_summary {
	size_t  measured, ok;     /* measured trials, and how many were ok    */
	struct cl_stats wall;     /* wall_ns of the counted trials            */
	double  cpu_ns;           /* median of user_ns + sys_ns               */
	double  cores;            /* median of the trials' own cores          */
	double  rss_kb;           /* median of rss_sum_kb: the whole trial's  */
	double  rss_max_kb;       /* median of max_rss_kb: its largest process */
	double  pss_kb;           /* median of pss_sum_kb                     */
	double  vcsw, ivcsw;      /* medians of the context switches          */
	double  p50_ns, p99_ns;   /* medians of the trials' service times     */
	double  resp_p50_ns, resp_p99_ns; /* medians of the trials' response times */
	double  speedup;          /* baseline median / this median; 0: none (no
				   * ok trial here or in the baseline)         */
	double  speedup_lo, speedup_hi; /* [base ci lo / ci hi, base ci hi / ci lo] */
	bool    noisy;            /* cv above the results' cv_threshold       */
	size_t  interfered;       /* counted trials measured under interference */
	size_t  server_bound;     /* counted trials whose server was server_bound */
	int64_t lost_median;      /* median of the lost updates               */
	uint64_t counter_expected;/* median over the counted trials of what an
				   * exact counter ends at; 0: no counter       */
	size_t   counter_exact;   /* counted trials whose counter was exact      */
	bool     counter_varies;  /* the trials' expected counts differ (timed)  */
	bool    inexact;          /* the sync promises no exactness           */
	/* A timed cell (its workload has a duration step): throughput is its
	 * figure, and speedup is its ops/s over the baseline's */
	bool    timed;
	struct cl_stats ops_per_s; /* the counted trials' ops/s               */
	double  jain, ops_cv;     /* medians of the trials' fairness          */
	double  ops_min, ops_max; /* medians of the fewest / most of one task */
	/* An open-loop cell (its workload has arrivals): response times are
	 * from each task's scheduled arrival */
	bool    open_loop;
	double  offered_per_s;    /* the schedule's rate                       */
	double  scheduled_per_s;  /* the schedule's own rate (the same draws in
				   * every trial: the first counted trial's)    */
	double  achieved_per_s;   /* median of the trials' achieved rates      */
	double  late_p99_ns;      /* median of the trials' p99 lateness         */
	size_t  overloaded;       /* counted trials that could not keep up: any
				   * marks the cell, never averaged away        */
	size_t  nclasses;         /* task classes, each class's response times */
	struct {
		char   name[32];
		double resp_p50_ns, resp_p99_ns; /* medians over the counted trials */
	} classes[16];
};

struct cl_results_cell {
	char   *label;            /* "io: threads+mutex tasks=4"                */
	char   *workload;         /* NULL: the config's single unnamed workload */
	char   *strategy, *sync;  /* plugin names                               */
	json_t *params;           /* every workload number and plugin parameter */
	json_t *sweep;            /* the swept settings and their values here   */
	json_t *spec;             /* the whole workload the cell ran: tasks, loop,
				   * every step with its numbers (NULL in files of
				   * conclab 0.1)                                 */
	size_t  baseline;         /* index of the cell its speedup is against   */
	struct cl_trial_result *trials; /* warmup trials first               */
	size_t  ntrials;
	struct cl_cell_summary summary; /* cl_results_summarize fills it      */
};

struct cl_results {
	char   *name, *description, *path, *config; /* the experiment          */
	char   *baseline;         /* the config's baseline setting, or NULL     */
	int64_t repeat, warmup;
	double  timeout_s;
	double  cv_threshold;     /* a cell above it is noisy; 0: the default   */
	char   *interrupted;      /* "SIGINT"/"SIGTERM" when stopped, or NULL   */
	const char *order;        /* "random" (interleaved) or "sequential"; NULL:
				   * not recorded (conclab 0.1)                  */
	uint64_t seed;            /* the random order's seed                    */
	json_t *environment;      /* the machine and build it ran on (owned)    */
	struct cl_results_cell *cells;
	size_t  ncells;
};

/* Fill every cell's summary from its trials. */
void cl_results_summarize(struct cl_results *r);

/* 0 if every trial is ok, else 1 (the run's exit code). */
int cl_results_exit_code(const struct cl_results *r);

/* The figure a cell is ranked and judged by, lower is better, of each
 * counted trial in trial order: its wall_ns, or in a timed cell its time
 * per operation (1e9 / ops_per_s). Returns how many (malloc'ed array in
 * *walls, may be empty). */
size_t cl_results_walls(const struct cl_results_cell *c, double **walls);

/* The median of that figure (0: no counted trial). */
double cl_cell_figure(const struct cl_results_cell *c);

/* The smallest two-sided p-value the exact Mann-Whitney test can reach
 * with m and n trials (all of one sample below the other, no ties):
 * 2 / C(m + n, m), at most 1. */
double cl_min_p(size_t m, size_t n);

/* The fewest trials per side with which p can go below alpha. */
size_t cl_trials_for(double alpha);

/* How a difference between two cells is weighed, by compare and by --vs
 * alike: significant only when the U test's p < alpha and the ratio of the
 * medians is beyond 1 + threshold either way; "inconclusive" when the trial
 * counts cannot reach p < alpha at all. */
enum cl_verdict {
	CL_VERDICT_NONE,         /* a side has no ok trial                  */
	CL_VERDICT_INCONCLUSIVE, /* too few trials to reach alpha           */
	CL_VERDICT_SAME,         /* not significant                         */
	CL_VERDICT_WITHIN,       /* significant, but within the threshold   */
	CL_VERDICT_SLOWER,       /* b slower than a: significant and beyond */
	CL_VERDICT_FASTER,       /* b faster than a                         */
	CL_VERDICT_UNRELIABLE,   /* slower or faster, but a side's trials were
				  * mostly under interference, or noisy: not
				  * a change anyone may act on (why: `why`)   */
};

struct cl_difference {
	enum cl_verdict verdict;
	double ratio;        /* b's median / a's median; 0 when unknown   */
	double p;            /* Mann-Whitney U, two-sided                 */
	size_t na, nb;       /* counted trials                            */
	char   why[96];      /* unreliable: which side, and what was wrong  */
};

void cl_difference_weigh(const struct cl_results_cell *a, const struct cl_results_cell *b,
			 double alpha, double threshold, struct cl_difference *j);

/* "SLOWER (significant)", "inconclusive (n too small: at least 4 trials each)"... */
const char *cl_verdict_text(const struct cl_difference *j, double alpha, char *buf, size_t len);

/* The cv above which a cell is noisy. */
double cl_results_cv_threshold(const struct cl_results *r);

void cl_results_free(struct cl_results *r);

/* The JSON form (summaries included) and its files; the writers go through
 * a temporary name. 0, or -1 with the reason (naming the path) in err. */
json_t *cl_results_to_json(const struct cl_results *r);
int     cl_results_write_json(const char *path, const struct cl_results *r, char *err,
			      size_t errlen);
int     cl_results_write_csv(const char *path, const struct cl_results *r, char *err,
			     size_t errlen);

/* Load a results file into *r (summarized). 0, or -1 with the reason in
 * err: unreadable, not JSON (with line and column), another schema version,
 * or a cell or trial that is not one (naming it). Free *r either way. */
int cl_results_load(struct cl_results *r, const char *path, char *err, size_t errlen);

#endif
