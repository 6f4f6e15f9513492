#define _GNU_SOURCE
#include "child_call.h"
#include "contain.h"
#include <conclab/runtime.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

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

size_t cl_reap_strays(void)
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

/* The host learns how the process that ran fn ended from its init, after
 * any reply: this length, then its wait status. */
#define ENDED_MARK UINT32_MAX

static void send_reply(size_t (*fn)(void *, char *, size_t), void *arg, char *reply, size_t len)
{
	uint32_t n = (uint32_t)fn(arg, reply, len);

	n = n < len ? n : (uint32_t)len;
	(void)!write(3, &n, sizeof n);
	for (size_t sent = 0; sent < n;) {
		ssize_t w = write(3, reply + sent, n - sent);

		if (w <= 0)
			break;
		sent += (size_t)w;
	}
}

/* The host's child, contained as a trial is (contain.h): with a pid
 * namespace it is a keeper whose init forks the process that runs fn;
 * without, it runs fn itself. Never returns. */
_Noreturn static void child(size_t (*fn)(void *, char *, size_t), void *arg, int out, char *reply,
			    size_t len)
{
	pid_t init, worker;
	int status = 0;

	cl_contain_start_clean(-1, out); /* the reply pipe is fd 3 */
	if (!cl_protections()->pid_ns || cl_contain_unshare(geteuid(), getegid())) {
		cl_contain_trial_process();
		send_reply(fn, arg, reply, len);
		_exit(0);
	}
	fflush(NULL);
	if ((init = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		(void)cl_contain_mounts(NULL, 0);
		if ((worker = fork()) == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			cl_contain_trial_process();
			send_reply(fn, arg, reply, len);
			_exit(0);
		}
		while (waitpid(worker, &status, 0) < 0 && errno == EINTR)
			;
		kill(-1, SIGKILL); /* as pid 1: whatever plugin code left */
		while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
			;
		uint32_t mark[2] = { ENDED_MARK, (uint32_t)status };

		(void)!write(3, mark, sizeof mark);
		_exit(0);
	}
	while (init > 0 && waitpid(init, &status, 0) < 0 && errno == EINTR)
		;
	_exit(0);
}

/* Read exactly len bytes unless the time runs out or the pipe ends. */
static size_t read_all(int fd, char *buf, size_t len, int64_t deadline, bool *timed_out)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t have = 0;

	while (have < len) {
		int64_t left = (deadline - cl_now_ns()) / 1000000;
		int n = left > 0 ? poll(&pfd, 1, (int)left) : 0;
		ssize_t got;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*timed_out = true;
			break;
		}
		got = read(fd, buf + have, len - have);
		if (got <= 0)
			break;
		have += (size_t)got;
	}
	return have;
}

enum cl_child_end cl_child_call(size_t (*fn)(void *arg, char *reply, size_t len), void *arg,
				int timeout_ms, char *reply, size_t len, size_t *got, int *detail)
{
	int pipefd[2], status = 0;
	bool timed_out = false, replied = false;
	uint32_t n = 0;
	pid_t pid;

	*detail = 0;
	*got = 0;
	if (pipe2(pipefd, O_CLOEXEC))
		return snprintf(reply, len, "pipe: %s", strerror(errno)), CL_CHILD_NO_START;
	prctl(PR_SET_CHILD_SUBREAPER, 1); /* a daemon it starts comes back to us */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return snprintf(reply, len, "fork: %s", strerror(errno)), CL_CHILD_NO_START;
	}
	if (pid == 0)
		child(fn, arg, pipefd[1], reply, len);
	close(pipefd[1]);

	int64_t deadline = cl_now_ns() + (int64_t)timeout_ms * 1000000;
	bool ended = false;
	int32_t worker_status = 0;

	if (read_all(pipefd[0], (char *)&n, sizeof n, deadline, &timed_out) == sizeof n) {
		if (n == ENDED_MARK) /* no reply: how it ended, from its init */
			ended = read_all(pipefd[0], (char *)&worker_status, sizeof worker_status,
					 deadline, &timed_out) == sizeof worker_status;
		else if (n <= len)
			replied = (*got = read_all(pipefd[0], reply, n, deadline, &timed_out)) == n;
	}
	close(pipefd[0]);
	kill(-pid, SIGKILL); /* it and anything the plugin code started */
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	cl_reap_strays(); /* and the init, if it outlived the keeper */
	if (ended)
		status = worker_status;
	if (replied)
		return CL_CHILD_REPLIED;
	if (timed_out)
		return CL_CHILD_TIMED_OUT;
	if (WIFSIGNALED(status) && (ended || WTERMSIG(status) != SIGKILL))
		return *detail = WTERMSIG(status), CL_CHILD_CRASHED;
	*detail = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return CL_CHILD_EXITED;
}
