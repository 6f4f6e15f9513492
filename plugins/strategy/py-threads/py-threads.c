/* py-threads: the seed's threading.Thread, one per task or a pool. Python
 * threads share one GIL: CPU-bound steps run one at a time. */
#include "../common/python/embed.h"

enum { P_WORKERS, P_HOOK, P_COUNT };

static const struct cl_param_decl py_threads_params[] = {
	[P_WORKERS] = { "workers", CL_PARAM_INT, 0, 0, 100000,
			"threads in a pool that claim tasks; 0 = a threading.Thread per task" },
	[P_HOOK] = CLPY_HOOK_PARAM,
	[P_COUNT] = { 0 },
};
CL_PARAMS_CHECK(py_threads_params, P_COUNT);

static int py_threads_run(struct cl_trial *t, const int64_t *params)
{
	return clpy_run(t, "threads", params[P_WORKERS], cl_param_text(params, P_HOOK));
}

static const struct cl_strategy_ops py_threads_ops = {
	.run = py_threads_run,
};

CL_PLUGIN(.kind = CL_PLUGIN_STRATEGY, .name = "py-threads", .version = "1.0",
	  .summary = "Python: threading.Thread per task or a pool; one GIL",
	  .description = "The seed's threading model in CPython: every step runs as Python code "
			 "in threading.Thread workers, which share the interpreter's Global "
			 "Interpreter Lock, so waits overlap and CPU-bound steps do not. The "
			 "cell's sync guards `counter.value += 1`, its lock taken as "
			 "threading.Lock takes one (the GIL released while it waits).",
	  .params = py_threads_params, .ops.strategy = &py_threads_ops, .runtime = clpy_runtime);
