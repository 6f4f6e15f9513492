/* py-processes: the seed's multiprocessing, a Process per task or a pool
 * of forked processes: each has an interpreter and a GIL of its own. */
#include "../common/python/embed.h"

enum { P_WORKERS, P_HOOK, P_COUNT };

static const struct cl_param_decl py_processes_params[] = {
	[P_WORKERS] = { "workers", CL_PARAM_INT, 0, 0, 100000,
			"processes of a pool (concurrent.futures.ProcessPoolExecutor, forked); "
			"0 = a multiprocessing.Process per task" },
	[P_HOOK] = CLPY_HOOK_PARAM,
	[P_COUNT] = { 0 },
};
CL_PARAMS_CHECK(py_processes_params, P_COUNT);

static int py_processes_run(struct cl_trial *t, const int64_t *params)
{
	return clpy_run(t, "processes", params[P_WORKERS], cl_param_text(params, P_HOOK));
}

static const struct cl_strategy_ops py_processes_ops = {
	.flags = CL_STRATEGY_FORKS,
	.run = py_processes_run,
};

CL_PLUGIN(.kind = CL_PLUGIN_STRATEGY, .name = "py-processes", .version = "1.0",
	  .summary = "Python: multiprocessing.Process per task or a process pool (fork)",
	  .description = "The seed's multiprocessing model in CPython: every step runs as Python "
			 "code in forked processes, each with its own interpreter and GIL, so "
			 "CPU-bound steps run in parallel. The counter is shared memory, read and "
			 "written from Python as multiprocessing.Value's `counter.value += 1`, "
			 "under the cell's process-shared sync.",
	  .params = py_processes_params, .ops.strategy = &py_processes_ops,
	  .runtime = clpy_runtime);
