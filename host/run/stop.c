#define _GNU_SOURCE
#include "stop.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal, ignored;
static int stop_pipe[2] = { -1, -1 };

/* Is pid one of ours, a trial process or what it forked? Its parents, from
 * /proc (open, read and close are async-signal-safe); strays re-parented
 * to the host (a child subreaper) are its children too. */
static int descendant(pid_t pid)
{
	pid_t self = getpid();

	for (int depth = 0; depth < 64 && pid > 1; depth++) {
		char path[32] = "/proc/", stat[512], *p = path + 6;
		char digits[16];
		int n = 0, fd, close_paren = -1;
		ssize_t len;
		long ppid = 0;

		for (pid_t v = pid; v > 0; v /= 10)
			digits[n++] = (char)('0' + v % 10);
		while (n)
			*p++ = digits[--n];
		memcpy(p, "/stat", 6);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return 0;
		len = read(fd, stat, sizeof stat - 1);
		close(fd);
		for (ssize_t i = 0; i < len; i++)
			if (stat[i] == ')')
				close_paren = (int)i;
		if (close_paren < 0 || close_paren + 4 >= len)
			return 0;
		for (ssize_t i = close_paren + 4; i < len && stat[i] >= '0' && stat[i] <= '9'; i++)
			ppid = ppid * 10 + (stat[i] - '0');
		if (ppid == self)
			return 1;
		pid = (pid_t)ppid;
	}
	return 0;
}

static void on_stop(int sig, siginfo_t *info, void *context)
{
	int saved = errno;

	(void)context;
	if (info && info->si_code <= 0 && info->si_pid > 0 && descendant(info->si_pid)) {
		ignored++;
		errno = saved;
		return;
	}
	if (!stop_signal)
		stop_signal = sig;
	(void)!write(stop_pipe[1], "", 1);
	errno = saved;
}

void clrun_catch_stops(int on)
{
	struct sigaction sa = { .sa_flags = on ? SA_SIGINFO : 0 };

	if (on)
		sa.sa_sigaction = on_stop;
	else
		sa.sa_handler = SIG_DFL;

	if (on) {
		stop_signal = 0;
		if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK))
			stop_pipe[0] = stop_pipe[1] = -1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!on) {
		for (int i = 0; i < 2; i++)
			if (stop_pipe[i] >= 0)
				close(stop_pipe[i]);
		stop_pipe[0] = stop_pipe[1] = -1;
	}
}

int clrun_stop_signal(void)
{
	return stop_signal;
}

int clrun_stops_ignored(void)
{
	return ignored;
}

int clrun_stop_fd(void)
{
	return stop_pipe[0];
}
