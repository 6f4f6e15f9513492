/* Starting a trial's processes: the keeper, the namespace's init and the
 * trial process (contain.h says what each protection is). Private to the
 * sandbox. */
#ifndef CLH_SANDBOX_LAUNCH_H
#define CLH_SANDBOX_LAUNCH_H

#include "contain.h"
#include "sandbox.h"

#include <sys/resource.h>

/* What the keeper and the init tell the host, over a pipe the trial never
 * holds; one write each, smaller than PIPE_BUF, so never torn. */
enum clsb_report_kind {
	CLSB_STARTED = 1, /* pid: the init, in the host's pid namespace         */
	CLSB_ENDED,       /* the trial process's wait status and rusage; how many
			   * of its processes were still running at its end     */
	CLSB_FAILED,      /* the namespaces could not be entered: err           */
};

struct clsb_report {
	int32_t       kind;
	int32_t       pid;
	int32_t       status;
	int32_t       left_behind;
	int32_t       err;
	struct rusage ru;
};

struct clsb_pipes {
	int out_w;    /* the trial's stdout and stderr                  */
	int report_w; /* the keeper's and the init's reports            */
};

/* In the host's child, never returns. With a pid namespace it is the
 * keeper: it enters the namespaces and forks their init, which forks the
 * trial process, waits for it, kills what it left, and reports. Without,
 * it is the trial process itself, in a process group of its own. */
_Noreturn void clsb_child(struct cl_trial *t, const struct cl_cell *cell,
			  const struct cl_run_opts *opts, const struct clsb_pipes *pipes,
			  const struct cl_trial_cgroup *cg);

#endif
