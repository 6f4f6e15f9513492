/* The processes of one trial:
 *
 *   host ── keeper ──(pid namespace)── init (pid 1) ── trial process ── workers
 *
 * The trial process is not the namespace's pid 1, whose signals from inside
 * the namespace are ignored (a plugin's raise(SIGTERM) or abort() would
 * then do nothing); the init runs no plugin code, so what it reports can be
 * believed, and when it exits the kernel kills everything left inside. */
#define _GNU_SOURCE
#include "launch.h"
#include "server.h"
#include "trial_map.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(int fd, const struct clsb_report *r)
{
	(void)!write(fd, r, sizeof *r);
}

_Noreturn static void trial_process(struct cl_trial *t, const struct cl_cell *cell)
{
	const struct cl_plugin *strategy, *sync;
	char err[1024];

	setpgid(0, 0);
	cl_raise_nofile(); /* 10,000 connections need more than the soft 1024 */
	cl_contain_trial_process();
	/* the plugins are loaded here, in the trial, never in the host */
	if (!(strategy = cl_plugin_real(cell->strategy->plugin, err, sizeof err)) ||
	    !(sync = cl_plugin_real(cell->sync->plugin, err, sizeof err))) {
		cl_trial_fail(t, 0, "%s", err);
		_exit(0);
	}
	clrt_trial_run(t, strategy, cell->strategy_params, sync, cell->sync_params);
	fflush(NULL);
	_exit(0);
}

/* Reap until the trial process ends, then kill and count what is left. */
_Noreturn static void ns_init(struct cl_trial *t, const struct cl_cell *cell,
			      const struct cl_run_opts *opts, int go)
{
	struct clsb_report end = { .kind = CLSB_ENDED };
	pid_t trial, w;
	char byte;

	prctl(PR_SET_PDEATHSIG, SIGKILL); /* the keeper dies: so does everything here */
	if (read(go, &byte, 1) != 1)      /* it died before that */
		_exit(1);
	close(go);
	(void)cl_contain_mounts(opts->readonly, opts->limits.memory_mb); /* the probe said what fails */
	fflush(NULL);
	trial = fork();
	if (trial == 0) {
		close(3); /* the report pipe: the trial never holds it */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		trial_process(t, cell);
	}
	if (trial < 0) {
		end.kind = CLSB_FAILED;
		end.err = errno;
		report(3, &end);
		_exit(1);
	}
	while ((w = wait4(-1, &end.status, 0, &end.ru)) != trial)
		if (w < 0 && errno != EINTR)
			break;
	while (waitpid(-1, NULL, WNOHANG) > 0) /* ended on their own */
		;
	kill(-1, SIGKILL); /* as pid 1: every other process of the namespace */
	while ((w = waitpid(-1, NULL, 0)) > 0 || (w < 0 && errno == EINTR))
		end.left_behind += w > 0;
	report(3, &end);
	_exit(0);
}

_Noreturn void clsb_child(struct cl_trial *t, const struct cl_cell *cell,
			  const struct cl_run_opts *opts, const struct clsb_pipes *pipes,
			  const struct cl_trial_cgroup *cg)
{
	const struct cl_protections *p = cl_protections();
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int go[2], status;
	pid_t init;

	if (!p->pid_ns) {
		cl_contain_start_clean(pipes->out_w, -1);
		cl_cgroup_trial_join(cg);
		trial_process(t, cell);
	}
	cl_contain_start_clean(pipes->out_w, pipes->report_w); /* the report pipe is fd 3 now */
	cl_cgroup_trial_join(cg);
	if (cl_contain_unshare(uid, gid) || pipe2(go, O_CLOEXEC)) {
		report(3, &(struct clsb_report){ .kind = CLSB_FAILED, .err = errno });
		_exit(1);
	}
	fflush(NULL);
	init = fork();
	if (init == 0) {
		close(go[1]);
		ns_init(t, cell, opts, go[0]);
	}
	close(go[0]);
	if (init < 0) {
		report(3, &(struct clsb_report){ .kind = CLSB_FAILED, .err = errno });
		_exit(1);
	}
	report(3, &(struct clsb_report){ .kind = CLSB_STARTED, .pid = init });
	close(3);
	(void)!write(go[1], "", 1);
	close(go[1]);
	while (waitpid(init, &status, 0) < 0 && errno == EINTR)
		;
	_exit(0);
}
