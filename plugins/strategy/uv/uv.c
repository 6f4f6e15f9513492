/* uv: every task on one libuv loop, the event loop under Node.js, so the lab
 * shows conclab's own loop (async) beside the industry's. A task that waits
 * for a deadline parks on a uv_timer; one that waits for its socket on a
 * uv_poll of that descriptor (readiness: libuv's epoll underneath). Like
 * async, waits overlap and CPU work runs one task at a time. */
#define _GNU_SOURCE
#include <conclab/plugin.h>

#include <errno.h>
#include <stdlib.h>
#include <uv.h>

struct run {
	struct cl_trial *trial;
	size_t           remaining;
	int              err;
	/* poll handles of descriptors the runtime has closed: closed only when
	 * the loop is done, since closing one makes libuv remove its descriptor
	 * *number* from epoll, which may by then be another task's socket */
	uv_poll_t      **retired;
	size_t           nretired, cap;
};

struct uv_task {
	uv_timer_t      timer;
	uv_poll_t      *poll;    /* for the task's socket: stopped before each step */
	int             poll_fd; /* the descriptor number `poll` watches */
	struct cl_task *task;
	struct run     *run;
};

static void closed_poll(uv_handle_t *h)
{
	free(h);
}

static int retire(struct run *r, uv_poll_t *p)
{
	if (r->nretired == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		uv_poll_t **more = realloc(r->retired, cap * sizeof *more);

		if (!more)
			return -ENOMEM;
		r->retired = more;
		r->cap = cap;
	}
	r->retired[r->nretired++] = p;
	return 0;
}

static void advance(struct uv_task *u);

static void on_timer(uv_timer_t *t)
{
	advance(t->data);
}

static void on_ready(uv_poll_t *p, int status, int events)
{
	struct uv_task *u = p->data;

	(void)status; /* an error on the socket: the step reads it */
	(void)events;
	uv_poll_stop(p); /* before the step, which may close the descriptor */
	advance(u);
}

static int wait_fd(struct uv_task *u, const struct cl_wait *w)
{
	int events = (w->events & CL_WAIT_READ ? UV_READABLE : 0) |
		     (w->events & CL_WAIT_WRITE ? UV_WRITABLE : 0);

	/* another number: the last socket is closed, so a handle of its own;
	 * the same number (the same socket, or a new one that reuses it): the
	 * stopped handle is started again, and libuv adds it to epoll afresh */
	if (u->poll && u->poll_fd != w->fd) {
		if (retire(u->run, u->poll))
			return -ENOMEM;
		u->poll = NULL;
	}
	if (!u->poll) {
		if (!(u->poll = malloc(sizeof *u->poll)))
			return -ENOMEM;
		if (uv_poll_init(u->timer.loop, u->poll, w->fd)) {
			free(u->poll);
			u->poll = NULL;
			return -EINVAL;
		}
		u->poll->data = u;
		u->poll_fd = w->fd;
	}
	return uv_poll_start(u->poll, events, on_ready) ? -EINVAL : 0;
}

static void advance(struct uv_task *u)
{
	struct cl_wait w;
	int rc;

	if (u->run->err)
		return;
	if (cl_task_step(u->task, &w) == CL_STEP_DONE) {
		u->run->remaining--;
		return;
	}
	if (w.fd >= 0) {
		rc = wait_fd(u, &w);
	} else {
		int64_t ms = (w.until_ns - cl_now_ns() + 999999) / 1000000;

		/* libuv's timers count whole milliseconds from the loop's idea
		 * of now: a step before the deadline parks the task again */
		rc = uv_timer_start(&u->timer, on_timer, ms > 0 ? (uint64_t)ms : 0, 0) ? -EINVAL : 0;
	}
	if (rc < 0) {
		u->run->err = cl_trial_fail(u->run->trial, -rc, "uv: cannot park task %zu",
					    cl_task_index(u->task));
		uv_stop(u->timer.loop);
	}
}

static void close_all(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, h->type == UV_POLL ? closed_poll : NULL);
}

static int uv_run_trial(struct cl_trial *t, const int64_t *params)
{
	size_t n = cl_trial_ntasks(t);
	struct uv_task *tasks = calloc(n, sizeof *tasks);
	struct run run = { .trial = t, .remaining = n };
	uv_loop_t loop;

	(void)params;
	if (!tasks || uv_loop_init(&loop)) {
		free(tasks);
		return cl_trial_fail(t, ENOMEM, "uv: cannot set up the loop for %zu tasks", n);
	}
	for (size_t i = 0; i < n; i++) {
		struct uv_task *u = &tasks[i];

		uv_timer_init(&loop, &u->timer);
		u->timer.data = u;
		u->task = cl_trial_task(t, i);
		u->run = &run;
	}
	for (size_t i = 0; i < n && !run.err; i++) /* every task starts at once */
		advance(&tasks[i]);
	while (run.remaining && !run.err && uv_run(&loop, UV_RUN_ONCE))
		;
	if (run.remaining && !run.err)
		run.err = cl_trial_fail(t, EDEADLK, "uv: %zu tasks wait for nothing the loop watches",
					run.remaining);
	for (size_t i = 0; i < run.nretired; i++)
		uv_close((uv_handle_t *)run.retired[i], closed_poll);
	uv_walk(&loop, close_all, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	free(run.retired);
	free(tasks);
	return run.err;
}

static const struct cl_strategy_ops uv_ops = {
	.flags = CL_STRATEGY_FD_WAITS,
	.run = uv_run_trial,
};

CL_PLUGIN(.kind = CL_PLUGIN_STRATEGY,
	  .name = "uv",
	  .version = "1.0",
	  .summary = "one thread, one libuv loop (Node.js's), tasks as state machines",
	  .description = "The same tasks as async, on libuv: a task that waits parks on a uv_timer or "
			 "a uv_poll of its socket. Shows conclab's own loop beside the industry's; "
			 "like any single loop, CPU work runs one task at a time on one core.",
	  .ops.strategy = &uv_ops);
