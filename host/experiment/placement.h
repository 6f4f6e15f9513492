/* Placement: where a strategy's workers run (params.NAME.placement), for the
 * strategies that declare CL_STRATEGY_PLACES. The config gives it as text,
 * a cell carries it as a code, and the trial gets the CPUs themselves. */
#ifndef CLH_PLACEMENT_H
#define CLH_PLACEMENT_H

#include "workload.h"

#include <stddef.h>
#include <stdint.h>

/* A cell's strategy_params[CL_PLACEMENT_PARAM]. */
enum {
	CL_PLACE_NONE = 0,    /* wherever the scheduler puts them              */
	CL_PLACE_COMPACT = 1, /* fill each core's hardware threads, then the next */
	CL_PLACE_SCATTER = 2, /* one worker per core, across packages, first    */
	CL_PLACE_LIST = 3,    /* + k: the experiment's k-th CPU list            */
};

#define CL_MAX_PLACE_LISTS 16

/* "none", "compact", "scatter", or a CPU list ("0,2-3"): 0 and the code
 * (CL_PLACE_LIST for any list), or -1 with why in `why`. A list's CPUs
 * must each be one this process may use (its affinity mask and cgroup). */
int cl_placement_parse(const char *text, int64_t *code, char *why, size_t len);

/* The CPUs of a code, in worker order (lists: the experiment's texts). */
void cl_placement_resolve(int64_t code, char *const *lists, struct clw_placement *place);

/* "none", "compact", "scatter" or the list's text. */
const char *cl_placement_text(int64_t code, char *const *lists);

#endif
