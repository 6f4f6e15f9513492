/* serial: every task one after another in the trial's own thread. The
 * baseline each concurrent strategy is measured against. */
#include <conclab/plugin.h>

static int serial_run(struct cl_trial *trial, const int64_t *params)
{
	(void)params;
	for (size_t i = 0; i < cl_trial_ntasks(trial); i++)
		cl_task_run(cl_trial_task(trial, i));
	return 0;
}

static const struct cl_strategy_ops serial_ops = {
	.run = serial_run,
};

CL_PLUGIN(.kind = CL_PLUGIN_STRATEGY,
	  .name = "serial",
	  .version = "1.0",
	  .summary = "one task after another in one thread",
	  .description = "The baseline: no overlap of waits and no parallel CPU work, so wall "
			 "time is the sum of every task's time. Races cannot happen.",
	  .ops.strategy = &serial_ops);
