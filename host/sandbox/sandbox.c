/* The trial sandbox: start the trial's processes contained (launch.c),
 * watch them with a timeout and the trial's limits, read what they print
 * as they print it, then judge the shared records the trial left against
 * the host's own copy of its shape. */
#define _GNU_SOURCE
#include "sandbox.h"
#include "files.h"
#include "judge.h"
#include "timed.h"
#include "server.h"
#include "child_call.h"
#include "contain.h"
#include "launch.h"
#include "memory.h"
#include "printable.h"
#include "stats.h"
#include "xalloc.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OUTPUT_KEEP 4096

/* The last OUTPUT_KEEP bytes of what the trial wrote, and how much it wrote
 * in all: it is read while the trial runs, so no more is ever held. */
struct output {
	char    ring[OUTPUT_KEEP];
	int64_t total;
};

/* Read what there is; false once every writer has closed the pipe. */
static bool output_read(int fd, struct output *o)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
		for (ssize_t i = 0; i < n; i++)
			o->ring[(o->total + i) % OUTPUT_KEEP] = buf[i];
		o->total += n > 0 ? n : 0;
	}
	return n != 0;
}

static char *output_text(const struct output *o)
{
	size_t n = o->total < OUTPUT_KEEP ? (size_t)o->total : OUTPUT_KEEP;
	char *text;

	if (!n)
		return NULL;
	text = cl_xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		text[i] = o->ring[(o->total - (int64_t)n + (int64_t)i) % OUTPUT_KEEP];
	text[cl_printable(text, n, true)] = 0;
	return text;
}

/* Nothing the trial started outlives it: kill its process group and reap
 * whatever of it was re-parented to us (the host is a child subreaper). */
static size_t reap_group(pid_t pgid)
{
	int64_t give_up = cl_now_ns() + 2000000000LL;
	size_t reaped = 0;

	kill(-pgid, SIGKILL);
	while (cl_now_ns() < give_up) {
		while (waitpid(-pgid, NULL, WNOHANG) > 0)
			reaped++;
		if (kill(-pgid, 0) < 0 && errno == ESRCH)
			break;
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	return reaped;
}

/* A task's times must lie inside the run, in order: the host's bounds, lo
 * and hi (the run's interval once that is known to be possible). */
static bool needs_server(const struct cl_workload *w)
{
	for (int64_t i = 0; i < w->nsteps; i++)
		if (w->steps[i].op == CL_OP_REQUEST)
			return true;
	return false;
}

/* The config's target, resolved now (IPv4): the trial fails, naming it,
 * when it does not resolve. */
static int resolve_target(const struct cl_workload *w, struct clw_trial_env *env, char *err,
			  size_t errlen)
{
	struct addrinfo want = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *got;
	int rc = getaddrinfo(w->target_host, NULL, &want, &got);

	if (rc)
		return snprintf(err, errlen, "target %s:%lld: cannot resolve %s: %s", w->target_host,
				(long long)w->target_port, w->target_host, gai_strerror(rc)), -1;
	env->target_ip = ((struct sockaddr_in *)got->ai_addr)->sin_addr.s_addr;
	freeaddrinfo(got);
	return 0;
}

enum ending { ENDED, TIMED_OUT, STOPPED, OVER_MEMORY, OVER_PROCESSES, OVER_OUTPUT };

struct watch {
	pid_t                  child;     /* the host's child: keeper or trial      */
	int                    out_r, report_r, stop_fd;
	struct clsb_report     started, ended;
	struct output          out;
	struct cl_memory_watch mem;
	struct cl_trial_cgroup cg;
	int64_t                memory_kb, processes, output_bytes; /* 0: none */
};

/* Read what there is; false once every writer has closed the pipe. */
static bool read_reports(struct watch *w)
{
	struct clsb_report rep;
	ssize_t n = 0;

	while (w->report_r >= 0 && (n = read(w->report_r, &rep, sizeof rep)) == (ssize_t)sizeof rep) {
		if (rep.kind == CLSB_STARTED) {
			w->started = rep;
			cl_memory_watch_root(&w->mem, rep.pid);
		} else {
			w->ended = rep;
		}
	}
	return n != 0;
}

/* A limit the last sample (or the cgroup) shows passed, if any. */
static enum ending over_limit(struct watch *w)
{
	if (w->output_bytes && w->out.total > w->output_bytes)
		return OVER_OUTPUT;
	if (w->memory_kb && w->mem.last_kb > w->memory_kb)
		return OVER_MEMORY;
	if (w->processes && w->mem.last_procs > w->processes)
		return OVER_PROCESSES;
	return ENDED;
}

/* Until the child exits, the timeout, a stop or a limit; reading its
 * output and reports as they come. */
static enum ending watch_trial(struct watch *w, int64_t timeout_ms)
{
	int pidfd = (int)syscall(SYS_pidfd_open, w->child, 0);
	int64_t deadline = cl_now_ns() + timeout_ms * 1000000;
	enum ending end = TIMED_OUT;
	/* a pipe whose writers are gone polls readable for ever: dropped then
	 * (without a pid namespace nothing writes reports at all) */
	bool out_open = true, reports_open = true;

	for (;;) {
		struct pollfd p[4] = { { .fd = pidfd, .events = POLLIN },
				       { .fd = w->stop_fd, .events = POLLIN },
				       { .fd = out_open ? w->out_r : -1, .events = POLLIN },
				       { .fd = reports_open ? w->report_r : -1, .events = POLLIN } };
		int64_t left = (deadline - cl_now_ns()) / 1000000;
		int sample_in = cl_memory_watch_tick(&w->mem), n;
		siginfo_t si = { 0 };

		if ((end = over_limit(w)) != ENDED)
			break;
		if (left <= 0) {
			end = TIMED_OUT;
			break;
		}
		if (pidfd < 0) /* before Linux 5.3: look every millisecond */
			sample_in = 1;
		n = poll(p, 4, left < sample_in ? (int)left : sample_in);
		if (n < 0 && errno != EINTR)
			break;
		if (p[2].revents)
			out_open = output_read(w->out_r, &w->out);
		if (p[3].revents)
			reports_open = read_reports(w);
		if (p[1].revents & POLLIN) {
			end = STOPPED;
			break;
		}
		if ((pidfd >= 0 && (p[0].revents & POLLIN)) ||
		    (pidfd < 0 && waitid(P_PID, (id_t)w->child, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		     si.si_pid)) {
			end = ENDED;
			break;
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	return end;
}

static const char *ending_limit(enum ending e, const struct watch *w, char *buf, size_t len)
{
	if (e == OVER_MEMORY)
		snprintf(buf, len, "it used %lld MB, over limits.memory_mb = %lld",
			 (long long)(w->mem.last_kb / 1024), (long long)(w->memory_kb / 1024));
	else if (e == OVER_PROCESSES)
		snprintf(buf, len, "it ran %lld processes and threads at once, over limits.processes "
			 "= %lld", (long long)w->mem.last_procs, (long long)w->processes);
	else
		snprintf(buf, len, "it wrote more than limits.output_mb = %lld MB of output",
			 (long long)(w->output_bytes >> 20));
	return buf;
}

static int64_t tv_ns(struct timeval tv)
{
	return tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
}

/* Kill what is left of a trial that did not end by itself. */
static void kill_trial(const struct watch *w)
{
	if (w->started.pid > 0)
		kill(w->started.pid, SIGKILL); /* the init: the namespace goes with it */
	kill(-w->child, SIGKILL);
	kill(w->child, SIGKILL); /* it may have left its group */
}

int cl_trial_execute(const struct cl_cell *cell, const struct cl_run_opts *opts,
		     struct cl_trial_result *r)
{
	const struct cl_sync_ops *sync = cell->sync->plugin->desc->ops.sync;
	const struct cl_protections *prot = cl_protections();
	struct cl_trial *t = NULL;
	struct watch w = { .out_r = -1, .report_r = -1, .stop_fd = opts->stop_fd > 0 ? opts->stop_fd : -1 };
	struct clsb_pipes pipes = { -1, -1 };
	int out[2] = { -1, -1 }, rep[2] = { -1, -1 }, status = 0;
	size_t map_size = 0;
	struct rusage ru = { 0 };
	enum ending end;
	int64_t forked_at, ended_at;
	char tuned[256];
	const struct cl_workload *workload = &cell->workload;
	/* what this trial runs with beside the spec: its server, its files */
	struct clw_trial_env env = { .place = cell->place };
	struct cl_server server = { 0 };

	memset(r, 0, sizeof *r);
	/* Orphans of the trial become our children, for reap_strays to find. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	r->inexact = sync->flags & CL_SYNC_INEXACT;
	if (needs_server(workload) && workload->target_host[0]) {
		if (resolve_target(workload, &env, r->message, sizeof r->message)) {
			r->status = CL_STATUS_ERROR;
			return -1;
		}
	} else if (needs_server(workload)) {
		if (cl_server_start(&server, r->message, sizeof r->message)) {
			r->status = CL_STATUS_ERROR;
			return -1;
		}
		env.server_port = server.port;
	}
	if (clsb_has_files(workload) && clsb_files_prepare(workload, &env, r->message, sizeof r->message))
		goto undo_files;
	/* what a remote strategy's address spaces load and where they run */
	snprintf(env.sync_path, sizeof env.sync_path, "%s", cell->sync->plugin->path);
	memcpy(env.sync_params, cell->sync_params, sizeof env.sync_params);
	snprintf(env.hosts, sizeof env.hosts, "%s", cell->strategy->hosts);
	snprintf(env.hostfile, sizeof env.hostfile, "%s", cell->strategy->hostfile);
	t = clrt_trial_map(workload, &env, sync, &map_size);
	/* where the host put the samples: the trial can write its header */
	const struct clrt_sample *samples = t ? t->samples : NULL;
	const struct clrt_slot *slots = t ? t->slots : NULL;
	/* the read ends only are non-blocking: a trial that writes faster than
	 * the host reads waits, it does not lose its output */
	if (!t || pipe2(out, O_CLOEXEC) || pipe2(rep, O_CLOEXEC) ||
	    fcntl(out[0], F_SETFL, O_NONBLOCK) || fcntl(rep[0], F_SETFL, O_NONBLOCK)) {
		snprintf(r->message, sizeof r->message, "cannot map shared memory for %lld tasks or "
			 "make its pipes: %s", (long long)cell->workload.tasks, strerror(errno));
		goto undo_pipes;
	}
	w.out_r = out[0];
	w.report_r = rep[0];
	pipes.out_w = out[1];
	pipes.report_w = rep[1];
	w.memory_kb = opts->limits.memory_mb * 1024;
	w.processes = opts->limits.processes;
	w.output_bytes = (opts->limits.output_mb ? opts->limits.output_mb : CL_DEFAULT_OUTPUT_MB) << 20;
	cl_cgroup_trial_create(&w.cg, w.memory_kb, w.processes);
	if (prot->cgroup_memory)
		w.memory_kb = 0; /* the kernel holds it to its limit */
	if (prot->cgroup_pids)
		w.processes = 0;
	fflush(NULL); /* or the child would write our buffered output again */
	forked_at = cl_now_ns();
	env.deadline_ns = opts->timeout_ms > 0 ? forked_at + opts->timeout_ms * 1000000 : 0;
	w.child = fork();
	if (w.child == 0)
		clsb_child(t, cell, opts, &pipes, &w.cg);
	close(out[1]);
	close(rep[1]);
	out[1] = rep[1] = -1;
	if (w.child < 0) {
		snprintf(r->message, sizeof r->message, "cannot fork the trial process: %s",
			 strerror(errno));
		goto undo_cgroup;
	}
	/* no setpgid here: the child makes a session of its own, which a
	 * process group leader cannot */
	/* a remote strategy's tasks run in processes it starts (mpirun and
	 * its ranks here), not in the trial process: sampled as a fork's */
	cl_memory_watch_start(&w.mem, prot->pid_ns ? 0 : w.child,
			      (cell->strategy->plugin->desc->ops.strategy->flags &
			       (CL_STRATEGY_FORKS | CL_STRATEGY_REMOTE)) ||
				      w.memory_kb || w.processes);
	end = watch_trial(&w, opts->timeout_ms);
	if (end != ENDED)
		kill_trial(&w);
	r->interrupted = end == STOPPED;
	while (wait4(w.child, &status, 0, &ru) < 0 && errno == EINTR)
		;
	ended_at = cl_now_ns();
	cl_server_stop(&server); /* before the strays: it is no stray */
	read_reports(&w);
	if (prot->pid_ns)
		r->left_behind = w.ended.kind == CLSB_ENDED ? w.ended.left_behind : 0;
	else
		r->left_behind = (int64_t)reap_group(w.child);
	cl_cgroup_trial_kill_and_remove(&w.cg);
	/* under a pid namespace the init counted what the trial left; a child
	 * found here is that init, when the keeper was killed before it */
	size_t strays = cl_reap_strays();

	if (!prot->pid_ns)
		r->left_behind += (int64_t)strays;
	output_read(w.out_r, &w.out);
	close(w.out_r);
	close(w.report_r);
	if (w.ended.kind == CLSB_ENDED) {
		status = w.ended.status; /* the trial process's, from its init */
		ru = w.ended.ru;
	}

	bool sane = clsb_header_sane(t);
	/* CPU over the same interval as the wall time: the strategy's run when
	 * it returned, else the whole trial process from fork to its end */
	r->user_ns = sane && t->finished ? t->run_user_ns : tv_ns(ru.ru_utime);
	r->sys_ns = sane && t->finished ? t->run_sys_ns : tv_ns(ru.ru_stime);
	r->max_rss_kb = ru.ru_maxrss;
	/* a trial too short to be sampled still had its largest process */
	r->rss_sum_kb = w.mem.peak_kb > ru.ru_maxrss ? w.mem.peak_kb : ru.ru_maxrss;
	r->pss_sum_kb = w.mem.peak_pss_kb;
	r->vcsw = ru.ru_nvcsw;
	r->ivcsw = ru.ru_nivcsw;
	/* the run's interval is written by the trial process: one that cannot be
	 * (before the fork, after its end, backwards) was overwritten */
	bool forged = sane && t->finished &&
		      (t->run_start_ns < forked_at || t->run_end_ns < t->run_start_ns ||
		       t->run_end_ns > ended_at);
	/* CPU inside the run cannot exceed the trial process's whole CPU (its
	 * children's included), which the kernel counted: more was written */
	int64_t whole_cpu = tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime);

	if (sane && t->finished && !forged &&
	    (t->run_user_ns < 0 || t->run_sys_ns < 0 ||
	     t->run_user_ns + t->run_sys_ns > whole_cpu + whole_cpu / 100 + 1000000))
		forged = true;
	bool believed = sane && t->finished && !forged;

	r->wall_ns = believed ? t->run_end_ns - t->run_start_ns : ended_at - forked_at;
	if (!believed)
		r->user_ns = tv_ns(ru.ru_utime), r->sys_ns = tv_ns(ru.ru_stime);
	if (r->user_ns < 0 || r->sys_ns < 0 || r->user_ns + r->sys_ns > r->wall_ns * 4096)
		r->user_ns = tv_ns(ru.ru_utime), r->sys_ns = tv_ns(ru.ru_stime);
	r->cores = r->wall_ns > 0 ? (double)(r->user_ns + r->sys_ns) / (double)r->wall_ns : 0;
	r->output = output_text(&w.out);
	struct clsb_evidence ev = {
		.end = end == ENDED ? CLSB_END_ITSELF : end == TIMED_OUT ? CLSB_END_TIMEOUT
			: end == STOPPED ? CLSB_END_STOPPED : CLSB_END_LIMIT,
		.timeout_ms = opts->timeout_ms,
		.contain_failed = w.ended.kind == CLSB_FAILED, .contain_err = w.ended.err,
		.keeper_died = w.started.kind && w.ended.kind != CLSB_ENDED,
		.status = status, .t = t, .sane = sane, .forged = forged,
		.lo = believed ? t->run_start_ns : forked_at, .hi = believed ? t->run_end_ns : ended_at,
		.cell = cell, .env = &env, .samples = samples, .slots = slots, .keep_tasks = opts->keep_tasks,
		.has_server = server.requests != NULL,
		.requests = server.requests ? __atomic_load_n(server.requests, __ATOMIC_ACQUIRE) : 0,
		.tuned = cl_host_tuning_check(tuned, sizeof tuned) ? tuned : NULL,
	};

	if (ev.end == CLSB_END_LIMIT)
		ending_limit(end, &w, ev.limit, sizeof ev.limit);
	clsb_judge(&ev, r);
	clsb_files_remove(&env);
	if (server.requests) {
		cl_server_release(&server);
		/* it serves only while the trial's tasks ask: its whole CPU
		 * over the run's wall is how much of a CPU it took from them */
		r->has_server = true;
		r->server_cpu_ns = server.cpu_ns;
		r->server_rss_kb = server.max_rss_kb;
		r->server_busy = r->wall_ns > 0 ? (double)server.cpu_ns / (double)r->wall_ns : 0;
		r->server_bound = r->server_busy >= CL_SERVER_BOUND &&
				  r->server_cpu_ns >= CL_SERVER_BOUND_MIN_NS;
	}
	clrt_trial_unmap(t, map_size);
	return 0;

	/* a trial that could not be started: undone in reverse */
undo_cgroup:
	cl_cgroup_trial_kill_and_remove(&w.cg);
undo_pipes:
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (rep[i] >= 0)
			close(rep[i]);
	}
	clrt_trial_unmap(t, map_size);
undo_files:
	clsb_files_remove(&env);
	cl_server_stop(&server);
	cl_server_release(&server);
	r->status = CL_STATUS_ERROR;
	return -1;
}
