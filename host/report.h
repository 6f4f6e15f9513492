/* Results of a whole experiment: per-cell summaries, the aligned table,
 * and the JSON and CSV files (schema: docs/results-schema.md). */
#ifndef CONCLAB_REPORT_H
#define CONCLAB_REPORT_H

#include "stats.h"
#include "trial.h"

#include <jansson.h>
#include <stdio.h>

#define CL_RESULTS_SCHEMA "conclab-results/1"

struct cl_cell_result {
	const struct cl_cell   *cell;
	struct cl_trial_result *trials;   /* warmup trials first       */
	size_t                  ntrials;
	/* over the measured (non-warmup) trials */
	size_t  measured, ok;             /* how many, how many ok     */
	struct cl_stats wall;             /* wall_ns of the ok trials  */
	int64_t wall_median, wall_min, wall_max; /* the same, as integers; 0 if none */
	double  speedup;                  /* baseline median / this median; 0 if unknown */
	double  speedup_lo, speedup_hi;   /* from the two medians' intervals */
	bool    noisy;                    /* cv above the report's threshold */
	int64_t lost_median;              /* lost updates, median      */
};

struct cl_report {
	const struct cl_experiment *x;
	struct cl_cell_result      *cells;
	size_t                      ncells;
	double                      cv_threshold; /* a cell above it is noisy; 0: 5% */
	bool                        sort_by_wall; /* table rows by median wall time */
	char                        warnings[1024]; /* machine unfit to measure, or "" */
	const char                 *interrupted;  /* "SIGINT"... when the run was stopped */
};

/* Fill every cell's summary; speedups are against each cell's baseline
 * (see cl_matrix_expand), with an interval from the baseline's and the
 * cell's median intervals: [base_lo / hi, base_hi / lo]. */
void cl_report_summarize(struct cl_report *rep);

/* 0 if every trial is ok, else 1 (the run's exit code). */
int cl_report_exit_code(const struct cl_report *rep);

void cl_report_table(FILE *out, const struct cl_report *rep);

/* "A is 3.1x (2.9-3.3) faster than B (p = 0.008)" for every cell against
 * the cells whose label is `vs` (or starts with it). -1 if none matches. */
int cl_report_vs(FILE *out, const struct cl_report *rep, const char *vs);

/* Warnings that the machine is unfit to measure: load average above the
 * number of cores, a CPU frequency governor other than `performance`.
 * Written to buf ("" when none). */
void cl_machine_warnings(char *buf, size_t len);

/* Write the file through a temporary name and rename, so a reader never
 * sees half of it. 0, or -1 with the reason (naming the path) in err. */
int cl_report_json(const char *path, const struct cl_report *rep, char *err, size_t errlen);
int cl_report_csv(const char *path, const struct cl_report *rep, char *err, size_t errlen);

/* One trial as the results file and the journal record it, and back.
 * from_json: 0, or -1 with the reason in err; t->output is malloc'ed. */
json_t *cl_trial_to_json(const struct cl_trial_result *t);
int     cl_trial_from_json(const json_t *j, struct cl_trial_result *t, char *err, size_t errlen);

/* Write a file safely: begin opens PATH.tmp.PID (its name in tmp), commit
 * closes it and renames it to PATH, or removes it on error. NULL / -1 with
 * the reason (naming the path) in err. */
FILE *cl_file_begin(const char *path, char *tmp, size_t len, char *err, size_t errlen);
int   cl_file_commit(FILE *f, const char *tmp, const char *path, char *err, size_t errlen);

/* "1.234 s", "56.7 ms", "890 us", "12 ns" */
const char *cl_format_ns(int64_t ns, char *buf, size_t len);

#endif
