/* py-serial: the tasks one after another in one Python thread, the
 * baseline the other py-* strategies' speedups are against (as serial is
 * C's): what the seed's examples would take without any concurrency. */
#include "../common/python/embed.h"

enum { P_HOOK, P_COUNT };

static const struct cl_param_decl py_serial_params[] = {
	[P_HOOK] = CLPY_HOOK_PARAM,
	[P_COUNT] = { 0 },
};
CL_PARAMS_CHECK(py_serial_params, P_COUNT);

static int py_serial_run(struct cl_trial *t, const int64_t *params)
{
	return clpy_run(t, "serial", 0, cl_param_text(params, P_HOOK));
}

static const struct cl_strategy_ops py_serial_ops = {
	.run = py_serial_run,
};

CL_PLUGIN(.kind = CL_PLUGIN_STRATEGY, .name = "py-serial", .version = "1.0",
	  .summary = "Python: the tasks one after another in one thread (the Python baseline)",
	  .description = "Every step runs as Python code in an embedded CPython (time.sleep, an "
			 "LCG loop in Python, `with lock: counter.value += 1`, http.client, file "
			 "objects), task after task: the seed's examples without concurrency, the "
			 "baseline of py-threads, py-processes and py-asyncio.",
	  .params = py_serial_params, .ops.strategy = &py_serial_ops, .runtime = clpy_runtime);
