/* hybrid: N threads, each running an event loop of its own over a share of
 * the tasks (task i on loop i mod N), the model of wrk, nginx's workers and
 * Node's cluster: waits overlap within each loop, and CPU work spreads over N
 * cores. Each loop is epoll with one timerfd and a heap of deadlines
 * (../common/deadlines.h; a loop holds only its share of the tasks). */
#define _GNU_SOURCE
#include <conclab/plugin.h>

#include "../common/deadlines.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

enum { P_THREADS, P_COUNT };

static const struct cl_param_decl hybrid_params[] = {
	[P_THREADS] = { "threads", CL_PARAM_INT, 0, 0, 4096,
			"event loops, one thread each; 0 = one per online CPU" },
	[P_COUNT] = { 0 },
};
CL_PARAMS_CHECK(hybrid_params, P_COUNT);

#define EVENTS 256

struct loop {
	pthread_t        thread;
	struct cl_trial *trial;
	size_t           first, stride; /* its tasks: first, first + stride, ... */
	struct deadlines sleeping;      /* its own tasks' (the `at` array is shared) */
	size_t           remaining;
	int              epfd, tfd, err;
};

/* Step one task and park it on its deadline or its socket. */
static void advance(struct loop *lp, uint32_t i)
{
	struct cl_wait w;

	if (cl_task_step(cl_trial_task(lp->trial, i), &w) == CL_STEP_DONE) {
		lp->remaining--;
		return;
	}
	if (w.fd < 0) {
		deadlines_push(&lp->sleeping, i, w.until_ns);
		return;
	}
	struct epoll_event ev = {
		.events = EPOLLONESHOT | (w.events & CL_WAIT_READ ? EPOLLIN : 0) |
			  (w.events & CL_WAIT_WRITE ? EPOLLOUT : 0),
		.data.u32 = i + 1, /* 0 is the timer */
	};

	if (epoll_ctl(lp->epfd, EPOLL_CTL_MOD, w.fd, &ev) &&
	    (errno != ENOENT || epoll_ctl(lp->epfd, EPOLL_CTL_ADD, w.fd, &ev)))
		lp->err = cl_trial_fail(lp->trial, errno, "hybrid: epoll_ctl for task %u's socket", i);
}

static void *run_loop(void *arg)
{
	struct loop *lp = arg;
	struct epoll_event ready[EVENTS];
	int64_t armed = INT64_MAX;

	if (cl_trial_place(lp->trial, (unsigned)lp->first) || cl_trial_barrier_wait(lp->trial))
		return NULL;
	for (size_t i = lp->first; i < cl_trial_ntasks(lp->trial) && !lp->err; i += lp->stride)
		advance(lp, (uint32_t)i);
	while (lp->remaining && !lp->err) {
		int64_t now = cl_now_ns(), next = deadlines_next(&lp->sleeping);
		int n;

		if (next <= now) {
			while (deadlines_next(&lp->sleeping) <= now && !lp->err)
				advance(lp, deadlines_pop(&lp->sleeping));
			continue;
		}
		if (next != armed) {
			struct itimerspec at = { .it_value = { next / 1000000000, next % 1000000000 } };

			if (next == INT64_MAX)
				at.it_value.tv_sec = at.it_value.tv_nsec = 0;
			timerfd_settime(lp->tfd, TFD_TIMER_ABSTIME, &at, NULL);
			armed = next;
		}
		if ((n = epoll_wait(lp->epfd, ready, EVENTS, -1)) < 0 && errno != EINTR) {
			lp->err = cl_trial_fail(lp->trial, errno, "hybrid: epoll_wait");
			break;
		}
		for (int k = 0; k < n && !lp->err; k++) {
			if (ready[k].data.u32 == 0) {
				uint64_t expirations;

				(void)!read(lp->tfd, &expirations, sizeof expirations);
				armed = INT64_MAX;
			} else {
				advance(lp, ready[k].data.u32 - 1);
			}
		}
	}
	return NULL;
}

static int hybrid_run(struct cl_trial *t, const int64_t *params)
{
	size_t ntasks = cl_trial_ntasks(t), n = (size_t)params[P_THREADS], started = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct loop *loops;
	int64_t *deadline = malloc(ntasks * sizeof *deadline);
	int err = 0;

	if (!n)
		n = cpus > 0 ? (size_t)cpus : 1;
	if (n > ntasks)
		n = ntasks;
	if (!deadline || !(loops = calloc(n, sizeof *loops))) {
		free(deadline);
		return cl_trial_fail(t, ENOMEM, "hybrid: %zu loops over %zu tasks", n, ntasks);
	}
	for (size_t i = 0; i < n; i++) {
		struct loop *lp = &loops[i];
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 0 };

		lp->trial = t;
		lp->first = i;
		lp->stride = n;
		lp->sleeping.at = deadline; /* each loop writes only its own tasks' */
		lp->remaining = (ntasks - i + n - 1) / n;
		lp->sleeping.heap = malloc(lp->remaining * sizeof *lp->sleeping.heap);
		lp->epfd = epoll_create1(EPOLL_CLOEXEC);
		lp->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (!lp->sleeping.heap || lp->epfd < 0 || lp->tfd < 0 ||
		    epoll_ctl(lp->epfd, EPOLL_CTL_ADD, lp->tfd, &ev)) {
			err = cl_trial_fail(t, errno ? errno : ENOMEM, "hybrid: cannot set up loop %zu", i);
			n = i + 1;
			break;
		}
	}
	if (!err) {
		cl_trial_barrier_arm(t, (unsigned)n);
		for (; started < n; started++)
			if ((err = pthread_create(&loops[started].thread, NULL, run_loop, &loops[started]))) {
				cl_trial_barrier_cancel(t);
				err = cl_trial_fail(t, err, "hybrid: starting loop %zu of %zu", started + 1, n);
				break;
			}
	}
	for (size_t i = 0; i < started; i++) {
		pthread_join(loops[i].thread, NULL);
		if (!err)
			err = loops[i].err;
	}
	for (size_t i = 0; i < n; i++) {
		free(loops[i].sleeping.heap);
		if (loops[i].epfd > 0)
			close(loops[i].epfd);
		if (loops[i].tfd > 0)
			close(loops[i].tfd);
	}
	free(loops);
	free(deadline);
	return err;
}

static const struct cl_strategy_ops hybrid_ops = {
	.flags = CL_STRATEGY_FD_WAITS | CL_STRATEGY_PLACES,
	.run = hybrid_run,
};

CL_PLUGIN(.kind = CL_PLUGIN_STRATEGY,
	  .name = "hybrid",
	  .version = "1.0",
	  .summary = "N threads, each an epoll event loop over a share of the tasks",
	  .description = "The model of wrk, nginx's workers and Node's cluster: each thread runs its "
			 "own event loop over every N-th task, so waits overlap within each loop and "
			 "CPU work spreads over N cores (threads = 0: one loop per online CPU).",
	  .params = hybrid_params,
	  .ops.strategy = &hybrid_ops);
