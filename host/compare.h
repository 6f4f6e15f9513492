/* Reading results files back (jansson) and comparing two of them, cell by
 * cell, with a Mann-Whitney U test on the trials. */
#ifndef CONCLAB_COMPARE_H
#define CONCLAB_COMPARE_H

#include <jansson.h>
#include <stdio.h>

/* Load a results file and check its schema. NULL with the reason (naming
 * the path) in err: unreadable, not JSON (with line and column), another
 * schema version, or no cells array. */
json_t *cl_results_load(const char *path, char *err, size_t errlen);

/* The measured, ok trials' wall_ns of a cell; returns how many (malloc'ed
 * array in *walls, may be empty). */
size_t cl_results_walls(const json_t *cell, double **walls);

/* The smallest change compare calls significant unless told otherwise. Trials
 * within one run share the machine's state, so the U test sees run-to-run
 * drift (3-6% seen between two runs of one config on a 2-core VM) as real;
 * like asv's default factor of 1.1, a change must also exceed 10%. */
#define CL_COMPARE_THRESHOLD 0.10

struct cl_compare_opts {
	double alpha;     /* significance level of the U test; 0: 0.05           */
	double threshold; /* smallest relative change that counts, >= 0; < 0: the default */
};

struct cl_compare_counts {
	size_t matched, slower, faster, only_old, only_new;
};

/* Print the comparison of every cell of `old` with the cell of `new` of the
 * same workload, strategy, sync and params; cells in only one file are
 * listed. Counts what it found in *counts. */
void cl_compare(FILE *out, const char *old_name, const json_t *old, const char *new_name,
		const json_t *new, const struct cl_compare_opts *opts, struct cl_compare_counts *counts);

#endif
