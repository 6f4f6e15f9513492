/* Comparing two results, cell by
 * cell, with a Mann-Whitney U test on the trials. */
#ifndef CLH_COMPARE_H
#define CLH_COMPARE_H

#include "results.h"

#include <stdbool.h>
#include <stdio.h>

/* The smallest change compare calls significant unless told otherwise. Trials
 * within one run share the machine's state, so the U test sees run-to-run
 * drift (3-6% seen between two runs of one config on a 2-core VM) as real;
 * like asv's default factor of 1.1, a change must also exceed 10%. */
#define CL_COMPARE_THRESHOLD 0.10

struct cl_compare_opts {
	double alpha;     /* significance level of the U test; 0: 0.05           */
	double threshold; /* smallest relative change that counts, >= 0; < 0: the default */
	bool   force;     /* compare results of different experiments anyway    */
	int    width;     /* a terminal's width: rows fitted to it (labels
			   * shortened, a long verdict on a line of its own);
			   * 0: piped, rows whole, prose within 80 columns      */
};

struct cl_compare_counts {
	size_t matched, slower, faster, inconclusive, unreliable, only_old, only_new;
};

/* A label longer than CL_LABEL_CUT characters is cut in the rows of compare
 * and --vs (its first characters and "..."), so that one long label cannot
 * widen every row: output grows with the input, not with the longest label
 * times the rows. The whole label is said once, on a line of its own,
 * itself cut after CL_LABEL_WHOLE bytes (a label of a megabyte is no label
 * anyone reads). */
#define CL_LABEL_CUT   60
#define CL_LABEL_WHOLE 4096
#define CL_LABEL_BUF   (4 * (CL_LABEL_CUT + 1) + 1)

/* The label as a row shows it, printable, in buf (len >= CL_LABEL_BUF).
 * Whether it was cut. */
bool cl_label_cut(const char *label, char *buf, size_t len);

/* "    the whole label: ..." on a line, for a label cl_label_cut cuts;
 * nothing for any other. */
void cl_label_whole(FILE *out, const char *label);

/* Are old and new results of the same experiment (its name and its config
 * text)? 0, or -1 with what differs in `why` ("the config differs at line
 * 5: ..."). */
int cl_compare_same_experiment(const struct cl_results *old, const struct cl_results *new,
			       char *why, size_t len);

/* Print the comparison of every cell of `old` with the cell of `new` of the
 * same workload (its whole spec), strategy, sync and params; cells in only
 * one file are listed, and so are plugins whose version changed. With
 * opts->force every row says the experiments differ. Counts what it found
 * in *counts. */
void cl_compare(FILE *out, const char *old_name, const struct cl_results *old, const char *new_name,
		const struct cl_results *new, const struct cl_compare_opts *opts,
		struct cl_compare_counts *counts);

#endif
