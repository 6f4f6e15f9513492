/* async: one thread, one event loop (epoll + timerfd), every task a resumable
 * state machine driven through cl_task_step (the seed's asyncio). Waits
 * overlap, on timers and on sockets alike (a task waiting for its socket is
 * in epoll, one-shot, until it is ready); compute runs inline, so CPU-bound
 * work gets no speedup.
 *
 * Timers: a task that waits is appended to a "lane", a FIFO whose deadlines
 * never decrease. Tasks that sleep the same time are stepped in order, so
 * their deadlines arrive in order and one lane holds them all: O(1) per
 * timer instead of O(log n) in a heap of a million entries. A deadline that
 * fits no lane goes to a few more lanes, then to a binary heap. */
#define _GNU_SOURCE
#include <conclab/plugin.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define MAX_LANES 8

struct lane {
	uint32_t *ring;
	size_t    head, count, cap; /* cap is a power of two */
	int64_t   last;             /* deadline of the newest entry */
};

struct loop {
	struct cl_trial *trial;
	int              epfd;
	int64_t         *deadline; /* per task, while it waits */
	struct lane      lanes[MAX_LANES];
	size_t           nlanes;
	uint32_t        *heap;     /* min-heap on deadline[], for the rest */
	size_t           heap_len, heap_cap;
};

static int lane_push(struct lane *l, uint32_t task, int64_t until)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		uint32_t *ring = malloc(cap * sizeof *ring);

		if (!ring)
			return -ENOMEM;
		for (size_t i = 0; i < l->count; i++)
			ring[i] = l->ring[(l->head + i) & (l->cap - 1)];
		free(l->ring);
		l->ring = ring;
		l->head = 0;
		l->cap = cap;
	}
	l->ring[(l->head + l->count++) & (l->cap - 1)] = task;
	l->last = until;
	return 0;
}

static void heap_sift_up(struct loop *lp, size_t i)
{
	uint32_t v = lp->heap[i];

	while (i && lp->deadline[lp->heap[(i - 1) / 2]] > lp->deadline[v]) {
		lp->heap[i] = lp->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	lp->heap[i] = v;
}

static uint32_t heap_pop(struct loop *lp)
{
	uint32_t top = lp->heap[0], v = lp->heap[--lp->heap_len];
	size_t i = 0, n = lp->heap_len;

	while (2 * i + 1 < n) {
		size_t c = 2 * i + 1;

		if (c + 1 < n && lp->deadline[lp->heap[c + 1]] < lp->deadline[lp->heap[c]])
			c++;
		if (lp->deadline[lp->heap[c]] >= lp->deadline[v])
			break;
		lp->heap[i] = lp->heap[c];
		i = c;
	}
	if (n)
		lp->heap[i] = v;
	return top;
}

static int schedule(struct loop *lp, uint32_t task, int64_t until)
{
	struct lane *best = NULL;

	lp->deadline[task] = until;
	for (size_t i = 0; i < lp->nlanes; i++) /* the tightest lane it may follow */
		if (lp->lanes[i].last <= until && (!best || lp->lanes[i].last > best->last))
			best = &lp->lanes[i];
	if (!best && lp->nlanes < MAX_LANES)
		best = &lp->lanes[lp->nlanes++];
	if (best)
		return lane_push(best, task, until);
	if (lp->heap_len == lp->heap_cap) {
		size_t cap = lp->heap_cap ? lp->heap_cap * 2 : 1024;
		uint32_t *heap = realloc(lp->heap, cap * sizeof *heap);

		if (!heap)
			return -ENOMEM;
		lp->heap = heap;
		lp->heap_cap = cap;
	}
	lp->heap[lp->heap_len++] = task;
	heap_sift_up(lp, lp->heap_len - 1);
	return 0;
}

static int64_t earliest(const struct loop *lp)
{
	int64_t next = INT64_MAX;

	for (size_t i = 0; i < lp->nlanes; i++)
		if (lp->lanes[i].count && lp->deadline[lp->lanes[i].ring[lp->lanes[i].head]] < next)
			next = lp->deadline[lp->lanes[i].ring[lp->lanes[i].head]];
	if (lp->heap_len && lp->deadline[lp->heap[0]] < next)
		next = lp->deadline[lp->heap[0]];
	return next;
}

/* Wait for the task's socket: one-shot, so a ready socket wakes the loop
 * once; re-armed (MOD) while the task keeps its connection, added for a new
 * one (a closed descriptor left epoll by itself). */
static int watch_fd(struct loop *lp, uint32_t task, const struct cl_wait *wait)
{
	struct epoll_event ev = {
		.events = EPOLLONESHOT | (wait->events & CL_WAIT_READ ? EPOLLIN : 0) |
			  (wait->events & CL_WAIT_WRITE ? EPOLLOUT : 0),
		.data.u32 = task + 1, /* 0 is the timer */
	};

	if (epoll_ctl(lp->epfd, EPOLL_CTL_MOD, wait->fd, &ev) == 0 ||
	    (errno == ENOENT && epoll_ctl(lp->epfd, EPOLL_CTL_ADD, wait->fd, &ev) == 0))
		return 0;
	return cl_trial_fail(lp->trial, errno, "async: epoll_ctl for task %u's socket", task);
}

/* Step one task; park it again if it waits. 1 if it finished. */
static int advance(struct loop *lp, uint32_t i, int *err)
{
	struct cl_wait wait;

	if (cl_task_step(cl_trial_task(lp->trial, i), &wait) == CL_STEP_DONE)
		return 1;
	if (!*err)
		*err = wait.fd >= 0 ? watch_fd(lp, i, &wait) : schedule(lp, i, wait.until_ns);
	return 0;
}

/* Step every task whose deadline is not after `now`; returns how many ended. */
static size_t run_expired(struct loop *lp, int64_t now, int *err)
{
	size_t ended = 0;

	for (size_t i = 0; i < lp->nlanes; i++) {
		struct lane *l = &lp->lanes[i];

		while (l->count && lp->deadline[l->ring[l->head]] <= now) {
			uint32_t task = l->ring[l->head];

			l->head = (l->head + 1) & (l->cap - 1);
			l->count--;
			ended += advance(lp, task, err);
		}
	}
	while (lp->heap_len && lp->deadline[lp->heap[0]] <= now)
		ended += advance(lp, heap_pop(lp), err);
	return ended;
}

#define EVENTS 256

static int async_run(struct cl_trial *t, const int64_t *params)
{
	size_t ntasks = cl_trial_ntasks(t), remaining = ntasks;
	struct loop lp = { .trial = t, .epfd = -1 };
	struct epoll_event ev = { .events = EPOLLIN }, ready[EVENTS];
	int tfd = -1, err = 0;
	int64_t armed = INT64_MAX; /* the timer's deadline as set */

	(void)params;
	lp.deadline = malloc(ntasks * sizeof *lp.deadline);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	lp.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!lp.deadline || tfd < 0 || lp.epfd < 0 || epoll_ctl(lp.epfd, EPOLL_CTL_ADD, tfd, &ev)) {
		err = cl_trial_fail(t, errno ? errno : ENOMEM, "async: cannot set up the event loop");
		goto out;
	}
	for (size_t i = 0; i < ntasks && !err; i++) /* every task starts at once */
		remaining -= advance(&lp, (uint32_t)i, &err);
	while (remaining && !err) {
		int64_t next = earliest(&lp), now = cl_now_ns();
		int n;

		if (next <= now) {
			remaining -= run_expired(&lp, now, &err);
			continue;
		}
		if (next != armed) { /* INT64_MAX: only sockets to wait for */
			struct itimerspec at = { .it_value = { next / 1000000000, next % 1000000000 } };

			if (next == INT64_MAX)
				at.it_value.tv_sec = at.it_value.tv_nsec = 0; /* disarm */
			timerfd_settime(tfd, TFD_TIMER_ABSTIME, &at, NULL);
			armed = next;
		}
		if ((n = epoll_wait(lp.epfd, ready, EVENTS, -1)) < 0 && errno != EINTR) {
			err = cl_trial_fail(t, errno, "async: epoll_wait");
			goto out;
		}
		for (int i = 0; i < n && !err; i++) {
			if (ready[i].data.u32 == 0) {
				uint64_t expirations;

				(void)!read(tfd, &expirations, sizeof expirations);
				armed = INT64_MAX; /* fired: set it again */
			} else {
				remaining -= advance(&lp, ready[i].data.u32 - 1, &err);
			}
		}
		remaining -= run_expired(&lp, cl_now_ns(), &err);
	}
	if (err == -ENOMEM)
		err = cl_trial_fail(t, ENOMEM, "async: no memory to park waiting task %zu of %zu",
				    ntasks - remaining, ntasks);
out:
	for (size_t i = 0; i < lp.nlanes; i++)
		free(lp.lanes[i].ring);
	free(lp.heap);
	free(lp.deadline);
	if (tfd >= 0)
		close(tfd);
	if (lp.epfd >= 0)
		close(lp.epfd);
	return err;
}

static const struct cl_strategy_ops async_ops = {
	.flags = CL_STRATEGY_FD_WAITS,
	.run = async_run,
};

CL_PLUGIN(.kind = CL_PLUGIN_STRATEGY,
	  .name = "async",
	  .version = "1.0",
	  .summary = "one thread, one epoll event loop, tasks as state machines",
	  .description = "Like asyncio: a single thread steps every task until it waits, parks it "
			 "on a timer or its socket (epoll) and runs the next. Waits overlap (a million "
			 "of them cost a few dozen bytes each), but CPU work runs one task at a time "
			 "on one core.",
	  .ops.strategy = &async_ops);
