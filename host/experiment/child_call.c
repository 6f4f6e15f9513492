#define _GNU_SOURCE
#include "child_call.h"
#include "runtime_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void child(void (*fn)(void *, char *, size_t), void *arg, int out, char *reply, size_t len)
{
	int devnull = open("/dev/null", O_RDWR);

	setpgid(0, 0);
	if (devnull >= 0) { /* what plugin code prints is not ours to show */
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
	}
	reply[0] = 0;
	fn(arg, reply, len);
	reply[len - 1] = 0;
	(void)!write(out, reply, strlen(reply) + 1); /* the NUL says "replied" */
	_exit(0);
}

enum cl_child_end cl_child_call(void (*fn)(void *arg, char *reply, size_t len), void *arg,
				int timeout_ms, char *reply, size_t len, int *detail)
{
	int pipefd[2], status = 0;
	size_t have = 0;
	bool timed_out = false;
	pid_t pid;

	*detail = 0;
	if (pipe2(pipefd, O_CLOEXEC))
		return snprintf(reply, len, "pipe: %s", strerror(errno)), CL_CHILD_NO_START;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return snprintf(reply, len, "fork: %s", strerror(errno)), CL_CHILD_NO_START;
	}
	if (pid == 0)
		child(fn, arg, pipefd[1], reply, len);
	setpgid(pid, pid);
	close(pipefd[1]);

	struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
	int64_t deadline = cl_now_ns() + (int64_t)timeout_ms * 1000000;

	while (have < len - 1) {
		int64_t left = (deadline - cl_now_ns()) / 1000000;
		int n = left > 0 ? poll(&pfd, 1, (int)left) : 0;
		ssize_t got;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			timed_out = true;
			break;
		}
		got = read(pipefd[0], reply + have, len - 1 - have);
		if (got <= 0)
			break;
		have += (size_t)got;
	}
	close(pipefd[0]);
	reply[have] = 0;
	kill(-pid, SIGKILL); /* it and anything the plugin code started */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (have > 0)
		return CL_CHILD_REPLIED;
	if (timed_out)
		return CL_CHILD_TIMED_OUT;
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
		return *detail = WTERMSIG(status), CL_CHILD_CRASHED;
	*detail = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return CL_CHILD_EXITED;
}
