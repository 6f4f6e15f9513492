/* Steps run by another language's runtime (ABI 1.5, conclab/runtime.h):
 * the step list as data, the seeds and words a task needs to run it, and
 * the record it hands back. The host judges that record as it judges a
 * task the interpreter of task.c ran: nothing here believes the caller
 * more than the host does. */
#define _GNU_SOURCE
#include "runtime_private.h" /* first: it sets what is exported */

#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

_Static_assert((int)CL_STEP_KIND_SLEEP == (int)CL_OP_SLEEP &&
	       (int)CL_STEP_KIND_COMPUTE == (int)CL_OP_COMPUTE &&
	       (int)CL_STEP_KIND_INCREMENT == (int)CL_OP_INCREMENT &&
	       (int)CL_STEP_KIND_REQUEST == (int)CL_OP_REQUEST &&
	       (int)CL_STEP_KIND_READ == (int)CL_OP_READ && (int)CL_STEP_KIND_WRITE == (int)CL_OP_WRITE,
	       "the ABI's step kinds are the workload's ops");

/* Bytes of words made at once to compare with what a task read. */
#define CHECK_CHUNK 4096

size_t cl_task_nsteps(const struct cl_task *task)
{
	const struct cl_trial *t = clrt_trial_of((struct cl_task *)task);

	return (size_t)clw_task_nsteps(t->workload, task->index);
}

uint64_t cl_trial_loops(const struct cl_trial *trial)
{
	return (uint64_t)trial->workload->loop;
}

/* The task's step at place i as it runs it (its class's, drawn); NULL
 * when there is no such step. */
static const struct cl_step_spec *task_step(const struct cl_task *task, size_t i, struct cl_step_spec *s)
{
	const struct cl_trial *t = clrt_trial_of((struct cl_task *)task);

	if (i >= (size_t)clw_task_nsteps(t->workload, task->index))
		return NULL;
	clw_task_step(t->workload, task->index, (int64_t)i, s);
	return s;
}

int cl_task_step_info(const struct cl_task *task, size_t i, struct cl_step_info *info, size_t size)
{
	struct cl_step_info out = { 0 };
	struct cl_step_spec spec;
	const struct cl_step_spec *s = task_step(task, i, &spec);

	if (!s || !info)
		return -EINVAL;
	/* the kinds are enum cl_op's numbers: the ABI's names for them */
	out.kind = (uint32_t)s->op;
	out.flags = (s->fsync ? CL_STEP_FSYNC : 0) | (s->keepalive ? CL_STEP_KEEPALIVE : 0) |
		    (s->witness ? CL_STEP_WITNESS : 0);
	out.line = (uint32_t)s->line;
	out.read_pct = (uint32_t)s->read_pct;
	switch (s->op) {
	case CL_OP_SLEEP:
		out.ns = s->sleep_ns;
		break;
	case CL_OP_COMPUTE:
		out.count = (uint64_t)s->iterations;
		break;
	case CL_OP_INCREMENT:
		out.ns = s->duration_ns;
		out.count = (uint64_t)s->times;
		out.inside = (uint64_t)s->inside;
		out.outside = (uint64_t)s->outside;
		break;
	case CL_OP_REQUEST:
		out.ns = s->delay_ns;
		out.bytes = (uint64_t)s->bytes;
		break;
	default: /* read, write */
		out.bytes = (uint64_t)s->bytes;
		out.block = (uint64_t)s->block;
		break;
	}
	out.id = (uint32_t)s->id;
	memcpy(info, &out, size < sizeof out ? size : sizeof out);
	return 0;
}

int64_t cl_task_due_ns(const struct cl_task *task)
{
	struct cl_trial *t = clrt_trial_of((struct cl_task *)task);

	return t->due ? clrt_schedule(t) + t->due[task->index] : 0;
}

uint64_t cl_task_seed(const struct cl_task *task, size_t step, enum cl_seed_purpose purpose)
{
	struct cl_step_spec s;

	return task_step(task, step, &s) ? clw_task_seed(task->index, (unsigned)s.id, (unsigned)purpose) : 0;
}

void cl_task_begin(struct cl_task *task)
{
	struct cl_trial *t = clrt_trial_of(task);

	if (!clrt_task_enter(task))
		return;
	if (task->start_ns || task->done) {
		cl_trial_fail(t, EBUSY, "task %u was begun twice: a strategy runs each task once",
			      task->index);
		return;
	}
	/* a task is never begun before it is due: the schedule is the host's */
	int64_t due = cl_task_due_ns(task);

	while (due && cl_now_ns() < due) {
		struct timespec until = { .tv_sec = due / 1000000000, .tv_nsec = due % 1000000000 };

		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
	}
	task->start_ns = cl_now_ns();
}

void cl_task_finish(struct cl_task *task, uint64_t checksum, uint64_t operations)
{
	struct cl_trial *t = clrt_trial_of(task);

	if (!task->start_ns || task->done) {
		cl_trial_fail(t, EPROTO, "task %u was finished without cl_task_begin, or twice",
			      task->index);
		return;
	}
	task->checksum = checksum;
	task->ops = operations;
	task->loop = (uint32_t)t->workload->loop;
	task->cpu = sched_getcpu() + 1;
	task->end_ns = cl_now_ns();
	task->done = 1;
	clrt_task_leave(task);
}

int cl_task_sync(struct cl_task *task, struct cl_task_sync *sync, size_t size)
{
	struct cl_trial *t = clrt_trial_of(task);
	struct cl_task_sync out = {
		.ops = t->sync,
		.shared = t->sync_shared,
		.local = t->local_stride ? t->sync_locals + task->index * t->local_stride : NULL,
		/* a remote sync's counter is not this mapping's */
		.counter = t->sync->flags & CL_SYNC_REMOTE ? NULL : &t->counter,
	};

	if (!sync || size < offsetof(struct cl_task_sync, counter) + sizeof out.counter)
		return -EINVAL;
	memcpy(sync, &out, size < sizeof out ? size : sizeof out);
	return 0;
}

/* The duration step of the workload: the one step a window can be. */
bool cl_task_window(struct cl_task *task, uint64_t operations)
{
	struct cl_trial *t = clrt_trial_of(task);
	const struct cl_step_spec *s = clw_duration_step(t->workload);
	int64_t now = cl_now_ns(), none = 0;

	if (!s || !t->slots)
		return false;
	struct clrt_slot *slot = &t->slots[task->index];

	if (!operations) {
		atomic_compare_exchange_strong(&t->window_start, &none, now);
		slot->first_try_ns = now;
	} else if (!slot->first_got_ns) {
		slot->first_got_ns = now;
	}
	const int64_t start = atomic_load(&t->window_start);

	atomic_store_explicit(&slot->ops, operations, memory_order_relaxed);
	if (now < start + s->duration_ns) {
		if (s->sample_ns)
			clrt_take_sample(t, s, now - start);
		return true;
	}
	/* as run_for (task.c): a task that did nothing in it does not stretch it */
	for (int64_t end = atomic_load(&t->window_end);
	     operations && now > end && !atomic_compare_exchange_weak(&t->window_end, &end, now);)
		;
	return false;
}

/* The task's I/O step at place `step`, drawn, into *s; NULL when it is not one. */
static const struct cl_step_spec *io_step(struct cl_task *task, size_t step, struct cl_step_spec *s)
{
	if (!task_step(task, step, s))
		return NULL;
	return s->op == CL_OP_REQUEST || s->op == CL_OP_READ || s->op == CL_OP_WRITE ? s : NULL;
}

int cl_task_io(struct cl_task *task, size_t step, struct cl_io_step *io, size_t size)
{
	struct cl_trial *t = clrt_trial_of(task);
	const struct cl_workload *w = t->workload;
	struct cl_step_spec spec;
	const struct cl_step_spec *s = io_step(task, step, &spec);
	struct cl_io_step out = { .port = 0 };

	if (!s || !io || size < sizeof out)
		return -EINVAL;
	if (s->op != CL_OP_REQUEST) {
		clw_io_file_name(out.path, sizeof out.path, t->env->io_dir, s->op == CL_OP_WRITE,
				 task->index, (unsigned)s->id);
	} else if (w->target_host[0]) {
		inet_ntop(AF_INET, &t->env->target_ip, out.host, sizeof out.host);
		out.port = (int)w->target_port;
		snprintf(out.path, sizeof out.path, "%s", w->target_path);
		snprintf(out.host_header, sizeof out.host_header, "%s", w->target_host);
	} else { /* the query the server makes the body from (io.c's compose_request) */
		snprintf(out.host, sizeof out.host, "127.0.0.1");
		out.port = (int)t->env->server_port;
		snprintf(out.path, sizeof out.path, "/?bytes=%lld&delay_us=%lld&seed=%llu",
			 (long long)s->bytes, (long long)(s->delay_ns / 1000),
			 (unsigned long long)clw_io_seed(task->index, (unsigned)s->id));
		snprintf(out.host_header, sizeof out.host_header, "127.0.0.1");
	}
	memcpy(io, &out, sizeof out);
	return 0;
}

/* What the step adds to the checksum once [pos, pos + len) reached its end. */
static uint64_t step_sum(struct cl_task *task, const struct cl_step_spec *s, uint64_t pos, size_t len)
{
	if (pos + len != (uint64_t)s->bytes)
		return 0;
	return clw_io_body_sum(clw_io_seed(task->index, (unsigned)s->id), (uint64_t)s->bytes);
}

int cl_task_io_check(struct cl_task *task, size_t step, uint64_t pos, const void *data, size_t len,
		     uint64_t *sum)
{
	struct cl_trial *t = clrt_trial_of(task);
	struct cl_step_spec spec;
	const struct cl_step_spec *s = io_step(task, step, &spec);
	const unsigned char *got = data;
	unsigned char want[CHECK_CHUNK];

	if (sum)
		*sum = 0;
	if (!s || s->op == CL_OP_WRITE)
		return cl_trial_fail(t, EINVAL, "task %u: step %zu is not a request or a read: nothing to "
				     "check", task->index, step + 1);
	const char *what = s->op == CL_OP_REQUEST ? "body" : "file";

	if (s->op == CL_OP_REQUEST && t->workload->target_host[0])
		return 0; /* the service's own bytes */
	if (pos > (uint64_t)s->bytes || len > (uint64_t)s->bytes - pos)
		return cl_trial_fail(t, EBADMSG, "task %u: step %d (%s, config line %d): %zu bytes at "
				     "%llu, past the %lld of the %s", task->index, s->id + 1,
				     clw_op_name(s->op), s->line, len, (unsigned long long)pos,
				     (long long)s->bytes, what);
	for (size_t at = 0; at < len; at += sizeof want) {
		size_t n = len - at < sizeof want ? len - at : sizeof want;

		clw_io_words(want, task->index, (unsigned)s->id, pos + at, n);
		if (memcmp(want, got + at, n))
			for (size_t k = 0; k < n; k++)
				if (want[k] != got[at + k])
					return cl_trial_fail(t, EBADMSG, "task %u: step %d (%s, config line "
							     "%d): byte %llu of the %s is wrong", task->index,
							     s->id + 1, clw_op_name(s->op), s->line,
							     (unsigned long long)(pos + at + k), what);
	}
	if (sum)
		*sum = step_sum(task, s, pos, len);
	return 0;
}

void cl_task_io_words(struct cl_task *task, size_t step, uint64_t pos, void *buf, size_t len,
		      uint64_t *sum)
{
	struct cl_step_spec spec;
	const struct cl_step_spec *s = io_step(task, step, &spec);

	if (sum)
		*sum = 0;
	if (!s) {
		memset(buf, 0, len);
		return;
	}
	clw_io_words(buf, task->index, (unsigned)s->id, pos, len);
	if (sum)
		*sum = step_sum(task, s, pos, len);
}
