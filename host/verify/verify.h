/* conclab verify: a battery of properties a plugin must have, each run as
 * trials of small experiments through the sandbox and judged as every
 * trial is, printed pass or FAIL with the evidence and a config that
 * reproduces a failure. What locktorture and Concurrency Kit's regression
 * programs do for their locks, for any plugin an author drops in. */
#ifndef CLH_VERIFY_H
#define CLH_VERIFY_H

#include "loader.h"

#include <stdio.h>

enum cl_verify_level {
	CL_VERIFY_QUICK,   /* seconds a plugin: CI runs it on every one */
	CL_VERIFY_DEFAULT, /* about a minute                            */
	CL_VERIFY_LONG,    /* longer runs, more tasks                   */
};

/* Verify plugin `p` of registry `reg` (which also holds the built-ins the
 * properties pair it with), printing each property to `out`. Returns the
 * exit code: 0 every property held, 1 one failed. */
int cl_verify(struct cl_registry *reg, const struct cl_loaded_plugin *p, enum cl_verify_level level,
	      FILE *out);

#endif
