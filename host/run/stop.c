#define _GNU_SOURCE
#include "stop.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal;
static int stop_pipe[2] = { -1, -1 };

static void on_stop(int sig)
{
	int saved = errno;

	if (!stop_signal)
		stop_signal = sig;
	(void)!write(stop_pipe[1], "", 1);
	errno = saved;
}

void clrun_catch_stops(int on)
{
	struct sigaction sa = { .sa_handler = on ? on_stop : SIG_DFL };

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

int clrun_stop_fd(void)
{
	return stop_pipe[0];
}
