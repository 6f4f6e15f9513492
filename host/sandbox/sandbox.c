/* The trial sandbox: fork, run the strategy in the child's own process
 * group, wait with a timeout, then judge the shared records the child left. */
#define _GNU_SOURCE
#include "sandbox.h"
#include "memory.h"
#include "stats.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
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

/* The trial process starts clean: the host's signal handlers, its blocked
 * signals and its descriptors (the stop pipe, the journal) are not the
 * trial's, and it dies with the host. */
static void start_clean(int out_fd)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	pid_t host = getppid();

	sigemptyset(&dfl.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != host) /* the host died before the line above */
		_exit(1);
	if (out_fd >= 0) {
		dup2(out_fd, STDOUT_FILENO);
		dup2(out_fd, STDERR_FILENO);
	}
	if (syscall(SYS_close_range, 3, ~0u, 0)) /* before Linux 5.9 */
		for (int fd = 3; fd < 4096; fd++)
			close(fd);
}

/* The child: never returns. */
static void trial_child(struct cl_trial *t, const struct cl_cell *cell, int out_fd)
{
	setpgid(0, 0);
	start_clean(out_fd);
	cl__trial_run(t, cell->strategy->plugin->desc, cell->strategy_params,
		      cell->sync->plugin->desc, cell->sync_params);
	fflush(NULL);
	_exit(0);
}

/* Wait for pid up to timeout_ms, or until stop_fd (if >= 0) is readable;
 * 1 if it exited, 0 on timeout, -1 when told to stop. */
static int wait_exit(pid_t pid, int64_t timeout_ms, int stop_fd, struct cl_memory_watch *mem)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int64_t deadline = cl_now_ns() + timeout_ms * 1000000;

	if (pidfd >= 0) {
		struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = stop_fd, .events = POLLIN } };
		int n;

		do {
			int64_t left = (deadline - cl_now_ns()) / 1000000;
			int sample_in = cl_memory_watch_tick(mem);

			if (left <= 0) {
				n = 0;
				break;
			}
			n = poll(p, stop_fd >= 0 ? 2 : 1, left < sample_in ? (int)left : sample_in);
		} while ((n < 0 && errno == EINTR) || n == 0);
		close(pidfd);
		if (n > 0 && !(p[0].revents & POLLIN) && (p[1].revents & POLLIN))
			return -1;
		return n > 0;
	}
	/* Kernels before 5.3: poll waitid without reaping. */
	while (cl_now_ns() < deadline) {
		siginfo_t si = { 0 };
		struct pollfd stop = { .fd = stop_fd, .events = POLLIN };

		cl_memory_watch_tick(mem);
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid)
			return 1;
		if (stop_fd >= 0 && poll(&stop, 1, 1) > 0)
			return -1;
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	return 0;
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

/* The pids of every child of this process, from /proc; how many (at most max). */
static size_t list_children(pid_t *pids, size_t max)
{
	DIR *tasks = opendir("/proc/self/task");
	struct dirent *e;
	size_t n = 0;

	while (tasks && (e = readdir(tasks))) {
		char path[300];
		FILE *f;
		long pid;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%s/children", e->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		while (n < max && fscanf(f, "%ld", &pid) == 1)
			pids[n++] = (pid_t)pid;
		fclose(f);
	}
	if (tasks)
		closedir(tasks);
	return n;
}

/* Processes that left the trial's group (setsid, a daemon's double fork)
 * escape kill(-pgid); as the host is a child subreaper they become its
 * children once their parents die, and it has no other children while a
 * trial runs, so every child left now is a stray: killed with its own group
 * and reaped, until none is left. Returns how many were killed. */
static size_t reap_strays(void)
{
	int64_t give_up = cl_now_ns() + 2000000000LL;
	size_t killed = 0;
	pid_t pids[256];
	size_t n;

	while ((n = list_children(pids, 256)) > 0 && cl_now_ns() < give_up) {
		for (size_t i = 0; i < n; i++) {
			kill(-pids[i], SIGKILL); /* its group, if it leads one */
			kill(pids[i], SIGKILL);
			killed++;
		}
		for (size_t i = 0; i < n; i++)
			while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
				;
	}
	return killed;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0: no
 * overlong forms, no surrogates, nothing above U+10FFFF (RFC 3629). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	unsigned char lo = 0x80, hi = 0xbf; /* the second byte's range */

	if (s[0] < 0xc2 || s[0] > 0xf4 || len > n)
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* A plugin may print anything: keep text, newlines and tabs, and turn every
 * other control byte (NUL, ESC...) and every byte that is not valid UTF-8
 * into '?', so the output can go into JSON and onto a terminal as it is. */
static void make_printable(char *buf, size_t n)
{
	unsigned char *s = (unsigned char *)buf;

	for (size_t i = 0; i < n;) {
		size_t len;

		if (s[i] < 0x80) {
			if ((s[i] < 0x20 && s[i] != '\n' && s[i] != '\t') || s[i] == 0x7f)
				s[i] = '?';
			i++;
		} else if ((len = utf8_len(s + i, n - i)) > 0) {
			i += len;
		} else {
			s[i++] = '?';
		}
	}
}

static char *read_output(int fd)
{
	off_t size = lseek(fd, 0, SEEK_END);
	off_t from = size > OUTPUT_KEEP ? size - OUTPUT_KEEP : 0;
	char *buf;
	ssize_t n;

	if (size <= 0)
		return NULL;
	buf = cl_xmalloc((size_t)(size - from) + 1);
	n = pread(fd, buf, (size_t)(size - from), from);
	buf[n > 0 ? n : 0] = 0;
	make_printable(buf, n > 0 ? (size_t)n : 0);
	return buf;
}

static void judge(struct cl_trial *t, const struct cl_cell *cell, const struct cl_run_opts *opts,
		  struct cl_trial_result *r)
{
	const struct cl_workload *w = &cell->workload;
	/* the host's own count, never the header's: a trial can write its header */
	size_t ntasks = (size_t)cell->workload.tasks;
	int64_t *lat = cl_xmalloc(ntasks * sizeof *lat), *resp = cl_xmalloc(ntasks * sizeof *resp);
	int64_t first = INT64_MAX, last = INT64_MIN, min_ns = cl__min_task_ns(w);
	size_t done = 0, bad_sum = 0, short_sleep = 0, first_bad = 0, first_short = 0;

	if (opts->keep_tasks)
		r->records = cl_xcalloc(ntasks, sizeof *r->records);
	for (size_t i = 0; i < ntasks; i++) {
		const struct cl_task *k = &t->tasks[i];

		if (k->start_ns) {
			first = k->start_ns < first ? k->start_ns : first;
			last = k->start_ns > last ? k->start_ns : last;
		}
		if (r->records) {
			r->records[i].start_ns = k->start_ns ? k->start_ns - t->run_start_ns : -1;
			r->records[i].end_ns = k->done ? k->end_ns - t->run_start_ns : -1;
			r->records[i].checksum = k->checksum;
		}
		if (!k->done)
			continue;
		/* every task is ready when the run starts: its response time
		 * counts the wait for a worker, its service time does not */
		resp[done] = k->end_ns - t->run_start_ns;
		lat[done++] = k->end_ns - k->start_ns;
		if (k->end_ns - k->start_ns < min_ns && !short_sleep++)
			first_short = i;
		if (k->checksum != cl__expected_checksum(w, (uint32_t)i) && !bad_sum++)
			first_bad = i;
	}
	cl_sort_i64(lat, done);
	cl_sort_i64(resp, done);
	r->tasks = (int64_t)ntasks;
	r->tasks_done = (int64_t)done;
	r->lat_p50_ns = cl_percentile_i64(lat, done, 50);
	r->lat_p90_ns = cl_percentile_i64(lat, done, 90);
	r->lat_p99_ns = cl_percentile_i64(lat, done, 99);
	r->lat_max_ns = done ? lat[done - 1] : 0;
	r->resp_p50_ns = cl_percentile_i64(resp, done, 50);
	r->resp_p90_ns = cl_percentile_i64(resp, done, 90);
	r->resp_p99_ns = cl_percentile_i64(resp, done, 99);
	r->resp_max_ns = done ? resp[done - 1] : 0;
	r->start_skew_ns = last >= first ? last - first : 0;
	free(lat);
	free(resp);
	r->counter_expected = cl__expected_counter(w);
	r->counter_actual = t->counter;
	r->counter_lost = (int64_t)(r->counter_expected - r->counter_actual);
	r->checksum_ok = bad_sum == 0;
	if (r->status != CL_STATUS_OK)
		return;
	if (done < ntasks)
		snprintf(r->message, sizeof r->message, "%zu of %zu tasks never finished (the strategy "
			 "returned without running them)", ntasks - done, ntasks);
	else if (bad_sum)
		snprintf(r->message, sizeof r->message, "%zu tasks have a wrong compute checksum "
			 "(first: task %zu)", bad_sum, first_bad);
	else if (short_sleep)
		snprintf(r->message, sizeof r->message, "%zu tasks finished sooner than their sleeps "
			 "allow (first: task %zu)", short_sleep, first_short);
	else if (r->counter_lost < 0 || (r->counter_lost > 0 && !r->inexact))
		snprintf(r->message, sizeof r->message, "counter is %llu, expected %llu: %lld updates "
			 "lost under sync '%s', which promises exactness",
			 (unsigned long long)r->counter_actual, (unsigned long long)r->counter_expected,
			 (long long)r->counter_lost, cell->sync->plugin->desc->name);
	else
		return;
	r->status = CL_STATUS_WRONG;
}

int cl_trial_execute(const struct cl_cell *cell, const struct cl_run_opts *opts,
		     struct cl_trial_result *r)
{
	const struct cl_sync_ops *sync = cell->sync->plugin->desc->ops.sync;
	struct cl_trial *t;
	size_t map_size;
	struct rusage ru = { 0 };
	int out_fd, status = 0, exited;
	int64_t forked_at;
	pid_t pid;

	memset(r, 0, sizeof *r);
	/* Orphans of the trial become our children, for reap_strays to find. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	r->inexact = sync->flags & CL_SYNC_INEXACT;
	t = cl__trial_map(&cell->workload, sync, &map_size);
	if (!t) {
		snprintf(r->message, sizeof r->message, "cannot map shared memory for %lld tasks: %s",
			 (long long)cell->workload.tasks, strerror(errno));
		r->status = CL_STATUS_ERROR;
		return -1;
	}
	out_fd = memfd_create("conclab-trial-output", MFD_CLOEXEC);
	fflush(NULL); /* or the child would write our buffered output again */
	forked_at = cl_now_ns();
	pid = fork();
	if (pid < 0) {
		snprintf(r->message, sizeof r->message, "cannot fork the trial process: %s",
			 strerror(errno));
		r->status = CL_STATUS_ERROR;
		if (out_fd >= 0)
			close(out_fd);
		cl__trial_unmap(t, map_size);
		return -1;
	}
	if (pid == 0)
		trial_child(t, cell, out_fd);
	setpgid(pid, pid); /* also here: the child may not have run yet */

	struct cl_memory_watch mem;

	cl_memory_watch_start(&mem, pid,
			      cell->strategy->plugin->desc->ops.strategy->flags & CL_STRATEGY_FORKS);
	exited = wait_exit(pid, opts->timeout_ms, opts->stop_fd > 0 ? opts->stop_fd : -1, &mem);
	if (exited <= 0)
		kill(-pid, SIGKILL);
	r->interrupted = exited < 0;
	while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	r->left_behind = (int64_t)(reap_group(pid) + reap_strays());

	/* CPU over the same interval as the wall time: the strategy's run when
	 * it returned, else the whole trial process from fork to its end */
	r->user_ns = t->finished ? t->run_user_ns
				 : ru.ru_utime.tv_sec * 1000000000LL + ru.ru_utime.tv_usec * 1000LL;
	r->sys_ns = t->finished ? t->run_sys_ns
				: ru.ru_stime.tv_sec * 1000000000LL + ru.ru_stime.tv_usec * 1000LL;
	r->max_rss_kb = ru.ru_maxrss;
	/* a trial too short to be sampled still had its largest process */
	r->rss_sum_kb = mem.peak_kb > ru.ru_maxrss ? mem.peak_kb : ru.ru_maxrss;
	r->pss_sum_kb = mem.peak_pss_kb;
	r->vcsw = ru.ru_nvcsw;
	r->ivcsw = ru.ru_nivcsw;
	/* the run's interval is written by the trial process: one that cannot be
	 * (before the fork, after now, backwards) was overwritten */
	bool forged = t->finished && (t->run_start_ns < forked_at || t->run_end_ns < t->run_start_ns ||
				      t->run_end_ns > cl_now_ns());

	r->wall_ns = t->finished && !forged ? t->run_end_ns - t->run_start_ns : cl_now_ns() - forked_at;
	r->cores = r->wall_ns > 0 ? (double)(r->user_ns + r->sys_ns) / (double)r->wall_ns : 0;
	if (out_fd >= 0) {
		r->output = read_output(out_fd);
		close(out_fd);
	}

	if (exited < 0) {
		r->status = CL_STATUS_ERROR;
		snprintf(r->message, sizeof r->message, "interrupted: the run was stopped");
	} else if (!exited) {
		r->status = CL_STATUS_HUNG;
		snprintf(r->message, sizeof r->message, "no result after %.3f s (the trial timeout): "
			 "killed with every process it started", (double)opts->timeout_ms / 1000);
	} else if (WIFSIGNALED(status)) {
		r->status = CL_STATUS_CRASHED;
		r->signal = WTERMSIG(status);
		snprintf(r->message, sizeof r->message, "killed by signal %d (%s)%s%s", r->signal,
			 strsignal(r->signal), t->failed ? ": " : "", t->failed ? t->message : "");
	} else if (!t->finished) {
		r->status = CL_STATUS_ERROR;
		snprintf(r->message, sizeof r->message, "the trial process exited with code %d before "
			 "the strategy returned (a plugin called exit?)", WEXITSTATUS(status));
	} else if (t->rc < 0 || t->failed) {
		r->status = CL_STATUS_ERROR;
		snprintf(r->message, sizeof r->message, "%.*s", (int)sizeof t->message,
			 t->failed ? t->message : strerror(-t->rc));
	} else if (forged) {
		r->status = CL_STATUS_WRONG;
		snprintf(r->message, sizeof r->message, "the trial's run interval was overwritten "
			 "(it cannot start before its fork, end before its start or after now)");
	}
	judge(t, cell, opts, r);
	cl__trial_unmap(t, map_size);
	return 0;
}
