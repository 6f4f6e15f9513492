/* uring: one thread, one io_uring (liburing), completion-based: the ring
 * performs the tasks' connects, sends, receives, file reads, writes and
 * fsyncs, not just readiness. Every operation the tasks hand out in one
 * turn of the loop goes in with one io_uring_enter, which also waits for
 * the next completion or the earliest timer. Regular-file reads overlap
 * here, where epoll cannot wait for a disk at all. */
#define _GNU_SOURCE
#include <conclab/plugin.h>

#include "../common/deadlines.h"

#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 4096

struct ring_run {
	struct cl_trial *trial;
	struct io_uring  ring;
	void           **buf;      /* per task: the RECV or READ buffer in flight */
	struct deadlines sleeping;
	size_t           remaining;
	int              err;
};

static struct io_uring_sqe *next_sqe(struct ring_run *r)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);

	if (!sqe) { /* the queue is full: hand the kernel what is in it */
		io_uring_submit(&r->ring);
		sqe = io_uring_get_sqe(&r->ring);
	}
	return sqe;
}

/* Put the task's operation on the ring. */
static int queue(struct ring_run *r, uint32_t i, const struct cl_io *io)
{
	struct io_uring_sqe *sqe = next_sqe(r);

	if (!sqe)
		return -EBUSY;
	if ((io->op == CL_IO_RECV || io->op == CL_IO_READ) && !(r->buf[i] = malloc(io->len ? io->len : 1)))
		return -ENOMEM;
	switch (io->op) {
	case CL_IO_CONNECT:
		io_uring_prep_connect(sqe, io->fd, io->addr, io->addrlen);
		break;
	case CL_IO_SEND:
		io_uring_prep_send(sqe, io->fd, io->buf, io->len, MSG_NOSIGNAL);
		break;
	case CL_IO_RECV:
		io_uring_prep_recv(sqe, io->fd, r->buf[i], io->len, 0);
		break;
	case CL_IO_READ:
		io_uring_prep_read(sqe, io->fd, r->buf[i], (unsigned)io->len, (uint64_t)io->offset);
		break;
	case CL_IO_WRITE:
		io_uring_prep_write(sqe, io->fd, io->buf, (unsigned)io->len, (uint64_t)io->offset);
		break;
	case CL_IO_FSYNC:
		io_uring_prep_fsync(sqe, io->fd, 0);
		break;
	default:
		return -EINVAL;
	}
	io_uring_sqe_set_data64(sqe, i);
	return 0;
}

/* Step a task until it finishes, sleeps, or hands out an operation. */
static void advance(struct ring_run *r, uint32_t i)
{
	struct cl_wait w;
	struct cl_io io;
	int rc;

	switch (cl_task_step_io(cl_trial_task(r->trial, i), &w, &io)) {
	case CL_STEP_DONE:
		r->remaining--;
		return;
	case CL_STEP_WAIT:
		if (w.fd >= 0) { /* never handed to a completion strategy */
			r->err = cl_trial_fail(r->trial, EPROTO, "uring: task %u handed a readiness wait", i);
			return;
		}
		deadlines_push(&r->sleeping, i, w.until_ns);
		return;
	case CL_STEP_IO:
		if ((rc = queue(r, i, &io)))
			r->err = cl_trial_fail(r->trial, -rc, "uring: cannot queue task %u's operation", i);
		return;
	}
}

static void reap(struct ring_run *r)
{
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;

	io_uring_for_each_cqe(&r->ring, head, cqe) {
		uint32_t i = (uint32_t)io_uring_cqe_get_data64(cqe);

		seen++;
		cl_task_io_done(cl_trial_task(r->trial, i), cqe->res, r->buf[i]);
		free(r->buf[i]);
		r->buf[i] = NULL;
		if (!r->err)
			advance(r, i);
	}
	io_uring_cq_advance(&r->ring, seen);
}

static int ring_open(struct io_uring *ring, size_t ntasks)
{
	struct io_uring_params p = { .flags = IORING_SETUP_CQSIZE };
	unsigned entries = ntasks < MAX_ENTRIES ? (unsigned)ntasks : MAX_ENTRIES;

	/* every task may have one operation out at once: room for all their
	 * completions, up to the kernel's limit */
	p.cq_entries = ntasks < 65536 ? (unsigned)(ntasks < 2 * entries ? 2 * entries : ntasks) : 65536;
	return io_uring_queue_init_params(entries ? entries : 1, ring, &p);
}

static int uring_run(struct cl_trial *t, const int64_t *params)
{
	size_t ntasks = cl_trial_ntasks(t);
	struct ring_run r = { .trial = t, .remaining = ntasks };
	int rc;

	(void)params;
	r.buf = calloc(ntasks, sizeof *r.buf);
	r.sleeping.at = malloc(ntasks * sizeof *r.sleeping.at);
	r.sleeping.heap = malloc(ntasks * sizeof *r.sleeping.heap);
	if (!r.buf || !r.sleeping.at || !r.sleeping.heap) {
		rc = cl_trial_fail(t, ENOMEM, "uring: no memory for %zu tasks", ntasks);
		goto out_free;
	}
	if ((rc = ring_open(&r.ring, ntasks)) < 0) {
		rc = cl_trial_fail(t, -rc, "uring: io_uring_queue_init");
		goto out_free;
	}
	for (size_t i = 0; i < ntasks && !r.err; i++) /* every task starts at once */
		advance(&r, (uint32_t)i);
	while (r.remaining && !r.err) {
		int64_t now = cl_now_ns();
		struct __kernel_timespec ts, *until = NULL;
		struct io_uring_cqe *cqe;

		while (deadlines_next(&r.sleeping) <= now && !r.err)
			advance(&r, deadlines_pop(&r.sleeping));
		if (!r.remaining || r.err)
			break;
		if (r.sleeping.len) {
			int64_t ns = deadlines_next(&r.sleeping) - now;

			ts = (struct __kernel_timespec){ .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };
			until = &ts;
		}
		/* everything queued this turn, and the wait, in one system call */
		rc = io_uring_submit_and_wait_timeout(&r.ring, &cqe, 1, until, NULL);
		if (rc < 0 && rc != -ETIME && rc != -EINTR) {
			r.err = cl_trial_fail(t, -rc, "uring: io_uring_submit_and_wait_timeout");
			break;
		}
		reap(&r);
	}
	rc = r.err;
	io_uring_queue_exit(&r.ring);
out_free:
	for (size_t i = 0; r.buf && i < ntasks; i++)
		free(r.buf[i]);
	free(r.buf);
	free(r.sleeping.at);
	free(r.sleeping.heap);
	return rc;
}

/* io_uring may be missing (an old kernel) or forbidden (a seccomp filter,
 * kernel.io_uring_disabled): say so before the run, not in every trial. */
static int uring_check(const struct cl_check_args *cell, char *err, size_t errlen)
{
	struct io_uring ring;
	int rc = io_uring_queue_init(2, &ring, 0);

	(void)cell;
	if (rc < 0) {
		snprintf(err, errlen, "io_uring is not available here: io_uring_setup: %s (an old kernel, "
			 "a seccomp filter, or kernel.io_uring_disabled)", strerror(-rc));
		return -1;
	}
	io_uring_queue_exit(&ring);
	return 0;
}

static const struct cl_strategy_ops uring_ops = {
	.flags = CL_STRATEGY_COMPLETIONS,
	.run = uring_run,
};

CL_PLUGIN(.kind = CL_PLUGIN_STRATEGY,
	  .name = "uring",
	  .version = "1.0",
	  .summary = "one thread, one io_uring: the ring performs the I/O, completions drive tasks",
	  .description = "Completion-based: a task's connect, send, recv, file read, write and fsync go "
			 "on the ring as operations, batched into one io_uring_enter per turn of the "
			 "loop, and each completion steps its task. Unlike epoll it overlaps regular-file "
			 "reads; like any single loop, CPU work runs one task at a time.",
	  .ops.strategy = &uring_ops,
	  .check = uring_check);
