/* The step interpreter every strategy drives: the same task spec runs to
 * completion in a thread or a process, or step by step in an event loop. */
#define _GNU_SOURCE
#include "runtime_internal.h"

#include <errno.h>
#include <time.h>


/* Seeds differ per task, step and purpose, so a task that skipped or
 * repeated work shows a wrong checksum; they do not depend on the strategy. */
static uint64_t seed_for(uint32_t task, unsigned step, unsigned purpose)
{
	uint64_t z = ((uint64_t)task << 24) ^ ((uint64_t)step << 4) ^ purpose;
	z += 0x9e3779b97f4a7c15ULL; /* splitmix64 */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t cl__lcg_advance(uint64_t x, uint64_t n)
{
	while (n--)
		x = x * CL__LCG_A + CL__LCG_C;
	return x;
}

uint64_t cl__lcg_jump(uint64_t x, uint64_t n)
{
	uint64_t mul = 1, add = 0, a = CL__LCG_A, c = CL__LCG_C;

	for (; n; n >>= 1) { /* Brown, "Random number generation with arbitrary strides" */
		if (n & 1) {
			mul *= a;
			add = add * a + c;
		}
		c *= a + 1;
		a *= a;
	}
	return x * mul + add;
}

int64_t cl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct cl_trial *cl__trial_of(struct cl_task *task)
{
	char *first = (char *)(task - task->index);

	return (struct cl_trial *)(first - offsetof(struct cl_trial, tasks));
}

size_t cl_task_index(const struct cl_task *task)
{
	return task->index;
}

/* `times` separate read-modify-writes, each inside lock/unlock. The counter
 * is read and written through volatile and the lock ops are calls into
 * another object, so the compiler can neither fuse nor hoist the updates:
 * without a real lock, updates are lost exactly as in the seed's Python. */
static uint64_t run_increment(struct cl_trial *t, struct cl_task *task,
			      const struct cl_step_spec *s, unsigned step)
{
	const struct cl_sync_ops *sync = t->sync;
	void *shared = t->sync_shared;
	void *local = t->local_stride ? t->sync_locals + task->index * t->local_stride : NULL;
	volatile uint64_t *counter = &t->counter;
	uint64_t x_in = seed_for(task->index, step, 1);
	uint64_t x_out = seed_for(task->index, step, 2);

	/* Everything the loop needs is copied into locals first: the calls into
	 * the plugin could otherwise make the compiler reload it on every
	 * increment, and the plain case (no work inside or outside) gets a loop
	 * of its own, so the lab adds next to nothing to what it measures. */
	void (*add)(void *, void *, uint64_t *, uint64_t) = sync->add;
	void (*lock)(void *, void *) = sync->lock;
	void (*unlock)(void *, void *) = sync->unlock;
	const int64_t times = s->times;
	const uint64_t inside = (uint64_t)s->inside, outside = (uint64_t)s->outside;

	if (add && !inside && !outside) {
		if (times)
			add(shared, local, (uint64_t *)counter, (uint64_t)times);
	} else if (add && !lock) {
		for (int64_t i = 0; i < times; i++) {
			x_out = cl__lcg_advance(x_out, outside);
			x_in = cl__lcg_advance(x_in, inside);
			add(shared, local, (uint64_t *)counter, 1);
		}
	} else if (!inside && !outside) {
		for (int64_t i = 0; i < times; i++) {
			lock(shared, local);
			uint64_t v = *counter;
			*counter = v + 1;
			unlock(shared, local);
		}
	} else {
		for (int64_t i = 0; i < times; i++) {
			x_out = cl__lcg_advance(x_out, outside);
			lock(shared, local);
			x_in = cl__lcg_advance(x_in, inside);
			uint64_t v = *counter;
			*counter = v + 1;
			unlock(shared, local);
		}
	}
	if (sync->flush)
		sync->flush(shared, local, (uint64_t *)counter);
	return x_in + x_out;
}

/* Step the task until it waits (a deadline, a descriptor) or, with `io`,
 * hands out an I/O operation. */
static enum cl_step step(struct cl_task *task, struct cl_wait *wait, struct cl_io *io)
{
	struct cl_trial *t = cl__trial_of(task);
	const struct cl_workload *w = t->workload;

	if (task->done)
		return CL_STEP_DONE;
	if (!task->start_ns)
		task->start_ns = cl_now_ns();
	while (task->loop < (uint64_t)w->loop) {
		while (task->step < w->nsteps) {
			const struct cl_step_spec *s = &w->steps[task->step];

			switch (s->op) {
			case CL_OP_SLEEP:
				if (!task->sleeping) {
					task->deadline_ns = cl_now_ns() + s->sleep_ns;
					task->sleeping = 1;
				} else if (cl_now_ns() >= task->deadline_ns) {
					task->sleeping = 0;
					break;
				}
				wait->until_ns = task->deadline_ns;
				wait->fd = -1;
				wait->events = 0;
				return CL_STEP_WAIT;
			case CL_OP_COMPUTE:
				task->checksum += cl__lcg_advance(seed_for(task->index, task->step, 0),
								  (uint64_t)s->iterations);
				break;
			case CL_OP_INCREMENT:
				task->checksum += run_increment(t, task, s, task->step);
				break;
			case CL_OP_REQUEST:
			case CL_OP_READ:
			case CL_OP_WRITE: {
				int rc = cl__io_step(t, task, s, wait, io);

				if (rc < 0) /* said by cl_trial_fail: the task ends here */
					goto done;
				if (rc == 1)
					return CL_STEP_WAIT;
				if (rc == 2)
					return CL_STEP_IO;
				break;
			}
			}
			task->step++;
		}
		task->step = 0;
		task->loop++;
	}
done:
	cl__io_task_done(task);
	task->end_ns = cl_now_ns();
	task->done = 1;
	return CL_STEP_DONE;
}

enum cl_step cl_task_step(struct cl_task *task, struct cl_wait *wait)
{
	struct cl_trial *t = cl__trial_of(task);

	if (t->io_mode == CL__IO_COMPLETION) { /* its I/O would have nowhere to go */
		cl_trial_fail(t, EPROTO, "task %u: a strategy that declares CL_STRATEGY_COMPLETIONS "
			      "steps tasks with cl_task_step_io", task->index);
		task->end_ns = cl_now_ns();
		task->done = 1;
		return CL_STEP_DONE;
	}
	return step(task, wait, NULL);
}

enum cl_step cl_task_step_io(struct cl_task *task, struct cl_wait *wait, struct cl_io *io)
{
	return step(task, wait, io);
}

void cl_task_run(struct cl_task *task)
{
	struct cl_wait wait;

	while (cl_task_step(task, &wait) == CL_STEP_WAIT) {
		struct timespec until = {
			.tv_sec = wait.until_ns / 1000000000,
			.tv_nsec = wait.until_ns % 1000000000,
		};
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
			;
	}
}

uint64_t cl__expected_checksum(const struct cl_workload *w, uint32_t index)
{
	uint64_t per_loop = 0;

	for (unsigned i = 0; i < w->nsteps; i++) {
		const struct cl_step_spec *s = &w->steps[i];

		if (s->op == CL_OP_COMPUTE)
			per_loop += cl__lcg_jump(seed_for(index, i, 0), (uint64_t)s->iterations);
		else if (s->op == CL_OP_INCREMENT)
			per_loop += cl__lcg_jump(seed_for(index, i, 1), (uint64_t)s->times * (uint64_t)s->inside) +
				    cl__lcg_jump(seed_for(index, i, 2), (uint64_t)s->times * (uint64_t)s->outside);
		else if ((s->op == CL_OP_REQUEST && !w->target_host[0]) || s->op == CL_OP_READ ||
			 s->op == CL_OP_WRITE)
			per_loop += cl__io_body_sum(cl__io_seed(index, i), (uint64_t)s->bytes);
	}
	return per_loop * (uint64_t)w->loop;
}

uint64_t cl__expected_counter(const struct cl_workload *w)
{
	uint64_t per_task = 0;

	for (unsigned i = 0; i < w->nsteps; i++)
		if (w->steps[i].op == CL_OP_INCREMENT)
			per_task += (uint64_t)w->steps[i].times;
	return per_task * (uint64_t)w->loop * (uint64_t)w->tasks;
}

int64_t cl__min_task_ns(const struct cl_workload *w)
{
	int64_t per_loop = 0;

	for (unsigned i = 0; i < w->nsteps; i++)
		if (w->steps[i].op == CL_OP_SLEEP)
			per_loop += w->steps[i].sleep_ns;
		else if (w->steps[i].op == CL_OP_REQUEST)
			per_loop += w->steps[i].delay_ns;
	return per_loop * w->loop;
}
