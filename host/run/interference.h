/* Private to the run: was a trial measured while something else took the
 * machine? Watched around every trial, not only at the start: the CPU time
 * the hypervisor took (steal, the signal a VM gives) and the processes that
 * were already running when the trial started. */
#ifndef CLH_RUN_INTERFERENCE_H
#define CLH_RUN_INTERFERENCE_H

#include "record.h"

#include <stdint.h>

struct clrun_machine_sample {
	uint64_t busy, steal, total; /* /proc/stat "cpu" jiffies */
	int      running;            /* procs_running, this process included */
	bool     ok;                 /* /proc/stat could be read */
};

void clrun_sample(struct clrun_machine_sample *s);

/* Fill the trial's steal_pct and others_running from the samples taken
 * just before and just after it, and mark it interfered when the
 * hypervisor took 5% or more of the CPU time or other work kept every CPU
 * busy (running both when it started and when it ended). */
void clrun_judge_interference(const struct clrun_machine_sample *before,
			      const struct clrun_machine_sample *after, struct cl_trial_result *t);

#endif
