/* Running one trial in its own child process and judging what came back:
 * the uniform record every strategy and sync produce. */
#ifndef CLH_SANDBOX_H
#define CLH_SANDBOX_H

#include "config.h"
#include "record.h"

#include <stdbool.h>

struct cl_run_opts {
	int64_t timeout_ms;
	bool    keep_tasks; /* copy every task's record into the result */
	int     stop_fd;    /* > 0: when it becomes readable (a signal came), the
			     * trial is killed and marked interrupted */
	struct cl_limits limits; /* 0: none (output: CL_DEFAULT_OUTPUT_MB)  */
	const char *readonly;    /* a file the trial must not write (the
				  * journal), bound read-only where it can be */
};

/* Run `cell` once in a child process, contained (contain.h), and fill *r. Returns 0 whenever a
 * record was made (whatever its status), -1 only if the host itself could
 * not fork or map memory (then r->message says why). Makes the caller a
 * child subreaper; every child it has when the trial ends is taken for one
 * the trial left behind and killed, so it must have no others. */
int cl_trial_execute(const struct cl_cell *cell, const struct cl_run_opts *opts,
		     struct cl_trial_result *r);

#endif
