/* uring: one thread, one io_uring (liburing), completion-based: the ring
 * performs the tasks' connects, sends, receives, file reads, writes and
 * fsyncs, not just readiness. Every operation the tasks hand out in one
 * turn of the loop goes in with one io_uring_enter, which also waits for
 * the next completion or the earliest timer. Regular-file reads overlap
 * here, where epoll cannot wait for a disk at all.
 *
 * What the kernel offers is used where it has it, each probed with a
 * fallback: a single issuer with deferred task work (6.1: completions are
 * processed in a batch when the loop asks for them, not by interrupting
 * it), and a ring of provided buffers for small receives (5.19: a buffer is
 * taken only when data arrives, so 10,000 waiting receives hold none).
 * Large receives (a body of 1 MiB, 64 KiB at a time) keep a buffer of their
 * own from malloc, which hands back the one just freed, still in the cache:
 * the ring hands its buffers round in turn, each cold by its next use.
 * Multishot receive is not used: a task asks for one receive at a time and
 * the runtime checks bytes in the order it asked, so data a multishot
 * receive brought before the task asked would have to be copied aside. */
#define _GNU_SOURCE
#include <conclab/plugin.h>

#include "../common/deadlines.h"

#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 4096
#define RECV_BUF    4096 /* a provided buffer: receives of at most this much */
#define RECV_GROUP  0

struct ring_run {
	struct cl_trial *trial;
	struct io_uring  ring;
	void           **buf;      /* per task: the RECV or READ buffer in flight */
	struct cl_io    *recv;     /* per task: its receive, to queue again     */
	struct io_uring_buf_ring *provided; /* NULL: a malloc'ed buffer a receive */
	char            *provided_mem;
	unsigned         nprovided;
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
	if (io->op == CL_IO_RECV && r->provided && io->len <= RECV_BUF) {
		r->recv[i] = *io;
		io_uring_prep_recv(sqe, io->fd, NULL, io->len, 0);
		sqe->flags |= IOSQE_BUFFER_SELECT;
		sqe->buf_group = RECV_GROUP;
		io_uring_sqe_set_data64(sqe, i);
		return 0;
	}
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
		int rc;

		seen++;
		if (cqe->res == -ENOBUFS && r->provided) { /* every buffer in use: ask again */
			if (!r->err && (rc = queue(r, i, &r->recv[i])))
				r->err = cl_trial_fail(r->trial, -rc, "uring: cannot queue task %u's operation", i);
			continue;
		}
		if (cqe->flags & IORING_CQE_F_BUFFER) {
			unsigned id = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
			char *data = r->provided_mem + (size_t)id * RECV_BUF;

			cl_task_io_done(cl_trial_task(r->trial, i), cqe->res, data);
			io_uring_buf_ring_add(r->provided, data, RECV_BUF, (unsigned short)id,
					      io_uring_buf_ring_mask(r->nprovided), 0);
			io_uring_buf_ring_advance(r->provided, 1);
		} else {
			cl_task_io_done(cl_trial_task(r->trial, i), cqe->res, r->buf[i]);
			free(r->buf[i]);
			r->buf[i] = NULL;
		}
		if (!r->err)
			advance(r, i);
	}
	io_uring_cq_advance(&r->ring, seen);
}

static int ring_open(struct io_uring *ring, size_t ntasks)
{
	/* the newest set of flags this kernel takes (EINVAL: not this one) */
	static const unsigned tries[] = {
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_COOP_TASKRUN, 0,
	};
	unsigned entries = ntasks < MAX_ENTRIES ? (unsigned)ntasks : MAX_ENTRIES;
	int rc = -EINVAL;

	for (size_t k = 0; k < sizeof tries / sizeof *tries && rc == -EINVAL; k++) {
		struct io_uring_params p = { .flags = IORING_SETUP_CQSIZE | tries[k] };

		/* every task may have one operation out at once: room for all
		 * their completions, up to the kernel's limit */
		p.cq_entries = ntasks < 65536 ? (unsigned)(ntasks < 2 * entries ? 2 * entries : ntasks) : 65536;
		rc = io_uring_queue_init_params(entries ? entries : 1, ring, &p);
	}
	return rc;
}

/* The ring of provided receive buffers, a power of two of them up to 1,024
 * (4 MiB of address space, touched only as far as data arrives); left
 * NULL where the kernel has none (each receive then has a buffer of its
 * own). */
static void provide_buffers(struct ring_run *r, size_t ntasks)
{
	unsigned n = 1;
	struct io_uring_buf_reg reg = { .bgid = RECV_GROUP };
	void *ring_mem;

	while (n < ntasks && n < 1024)
		n *= 2;
	if (posix_memalign(&ring_mem, 4096, n * sizeof(struct io_uring_buf)))
		return;
	r->provided_mem = malloc((size_t)n * RECV_BUF);
	reg.ring_addr = (uint64_t)(uintptr_t)ring_mem;
	reg.ring_entries = n;
	if (!r->provided_mem || io_uring_register_buf_ring(&r->ring, &reg, 0)) {
		free(r->provided_mem);
		free(ring_mem);
		r->provided_mem = NULL;
		return;
	}
	r->provided = ring_mem;
	r->nprovided = n;
	io_uring_buf_ring_init(r->provided);
	for (unsigned id = 0; id < n; id++)
		io_uring_buf_ring_add(r->provided, r->provided_mem + (size_t)id * RECV_BUF, RECV_BUF,
				      (unsigned short)id, io_uring_buf_ring_mask(n), (int)id);
	io_uring_buf_ring_advance(r->provided, (int)n);
}

static int uring_run(struct cl_trial *t, const int64_t *params)
{
	size_t ntasks = cl_trial_ntasks(t);
	struct ring_run r = { .trial = t, .remaining = ntasks };
	int rc;

	(void)params;
	r.buf = calloc(ntasks, sizeof *r.buf);
	r.recv = malloc(ntasks * sizeof *r.recv);
	r.sleeping.at = malloc(ntasks * sizeof *r.sleeping.at);
	r.sleeping.heap = malloc(ntasks * sizeof *r.sleeping.heap);
	if (!r.buf || !r.recv || !r.sleeping.at || !r.sleeping.heap) {
		rc = cl_trial_fail(t, ENOMEM, "uring: no memory for %zu tasks", ntasks);
		goto out_free;
	}
	if ((rc = ring_open(&r.ring, ntasks)) < 0) {
		rc = cl_trial_fail(t, -rc, "uring: io_uring_queue_init");
		goto out_free;
	}
	provide_buffers(&r, ntasks);
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
	if (r.provided)
		io_uring_unregister_buf_ring(&r.ring, RECV_GROUP);
	io_uring_queue_exit(&r.ring);
	free(r.provided);
	free(r.provided_mem);
out_free:
	for (size_t i = 0; r.buf && i < ntasks; i++)
		free(r.buf[i]);
	free(r.buf);
	free(r.recv);
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
