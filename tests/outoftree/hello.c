/* A plugin written outside the conclab tree: it includes only
 * <conclab/plugin.h> and is built with nothing but a C compiler. It runs its
 * tasks in reverse order, to show its own behaviour. */
#include <conclab/plugin.h>

static int hello_run(struct cl_trial *t, const int64_t *params)
{
	(void)params;
	for (size_t i = cl_trial_ntasks(t); i-- > 0;)
		cl_task_run(cl_trial_task(t, i));
	return 0;
}

static const struct cl_strategy_ops hello_ops = { .run = hello_run };

CL_PLUGIN(.kind = CL_PLUGIN_STRATEGY, .name = "hello-reverse", .version = "1.0",
	  .summary = "out-of-tree: tasks in reverse order", .ops.strategy = &hello_ops);
