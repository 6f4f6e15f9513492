/* Judging a timed step: its window, operations, fairness and samples. */
#ifndef CLH_SANDBOX_TIMED_H
#define CLH_SANDBOX_TIMED_H

#include "record.h"
#include "trial_map.h"

#include <stddef.h>

/* Fill r's duration figures from ops[ntasks] (each task's count, read once
 * by the host) and the window the trial wrote; the samples are read at
 * `samples`, where the host mapped them (NULL: none). What cannot be says
 * why in `why` (the trial is then wrong); "" otherwise. */
void clsb_judge_timed(struct cl_trial *t, const struct cl_workload *w, const uint64_t *ops,
		      const struct clrt_slot *slots, const struct clrt_sample *samples, int64_t lo, int64_t hi,
		      struct cl_trial_result *r, char *why, size_t len);

#endif
