/* py-asyncio: the seed's asyncio, one event loop and a coroutine per task. */
#include "../common/python/embed.h"

enum { P_HOOK, P_COUNT };

static const struct cl_param_decl py_asyncio_params[] = {
	[P_HOOK] = CLPY_HOOK_PARAM,
	[P_COUNT] = { 0 },
};
CL_PARAMS_CHECK(py_asyncio_params, P_COUNT);

static int py_asyncio_run(struct cl_trial *t, const int64_t *params)
{
	return clpy_run(t, "asyncio", 0, cl_param_text(params, P_HOOK));
}

static const struct cl_strategy_ops py_asyncio_ops = {
	.run = py_asyncio_run,
};

CL_PLUGIN(.kind = CL_PLUGIN_STRATEGY, .name = "py-asyncio", .version = "1.0",
	  .summary = "Python: one asyncio event loop, a coroutine per task",
	  .description = "The seed's asyncio model in CPython: every task a coroutine of one "
			 "event loop (asyncio.run, gather); sleeps are asyncio.sleep and requests "
			 "asyncio streams, so waits overlap; CPU-bound steps and file I/O run one "
			 "at a time in the loop's thread.",
	  .params = py_asyncio_params, .ops.strategy = &py_asyncio_ops, .runtime = clpy_runtime);
