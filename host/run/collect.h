/* Private to the run: turning an experiment into an empty results model,
 * and what the results record of the machine. */
#ifndef CLH_RUN_COLLECT_H
#define CLH_RUN_COLLECT_H

#include "config.h"
#include "results.h"

/* The results model for `cells` of `x`: every cell's description and room
 * for warmup + repeat trials each, none run yet. */
void clrun_results_init(struct cl_results *r, const struct cl_experiment *x,
			const struct cl_cell *cells, size_t ncells, double cv_threshold);

/* Warnings that the machine is unfit to measure: load average above the
 * number of cores, a CPU frequency governor other than `performance`.
 * Written to buf ("" when none). */
void clrun_machine_warnings(char *buf, size_t len);

/* The machine, the build and the experiment's plugins, as the results
 * file's "environment" records them. */
json_t *clrun_environment(const struct cl_experiment *x, const char *warnings);

#endif
