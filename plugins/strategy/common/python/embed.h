/* CPython embedded in a strategy plugin: the py-* strategies run every step
 * of the common task spec as Python code (tasks.py), in threads,
 * processes or an asyncio loop, through the ABI 1.5 calls of
 * conclab/runtime.h. Each py-* plugin is a descriptor over this. */
#ifndef CL_PLUGINS_PY_EMBED_H
#define CL_PLUGINS_PY_EMBED_H

#include <conclab/plugin.h>

/* The parameter every py-* strategy has: Python code of the user's own. */
#define CLPY_HOOK_PARAM                                                                    \
	{ "hook", CL_PARAM_PATH, 0, 0, 4096,                                                \
	  "a Python file run before the tasks; its before_step(task, step), if it defines " \
	  "one, is called before every step (experiments, tests)" }

/* Run the trial's tasks under `model` ("serial", "threads", "processes",
 * "asyncio") of tasks.py, with a pool of `workers` (0: a worker per task)
 * where the model has one, and the hook file's path ("" for none). */
int clpy_run(struct cl_trial *trial, const char *model, int64_t workers, const char *hook);
/* "CPython 3.11.2 (main, ...) [GCC 12.2.0]; GIL enabled" */
const char *clpy_runtime(void);

#endif
