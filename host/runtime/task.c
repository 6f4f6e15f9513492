/* The step interpreter every strategy drives: the same task spec runs to
 * completion in a thread or a process, or step by step in an event loop. */
#define _GNU_SOURCE
#include "runtime_private.h" /* first: it sets what is exported */
#include "lcg.h"

#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <time.h>


int64_t cl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

size_t cl_task_index(const struct cl_task *task)
{
	return task->index;
}

/* What an increment step's operations need, copied out of the trial and
 * the step once. */
struct inc {
	void *shared, *local;
	volatile uint64_t *counter;
	void (*add)(void *, void *, uint64_t *, uint64_t);
	void (*lock)(void *, void *);
	void (*unlock)(void *, void *);
	void (*read_lock)(void *, void *);
	void (*read_unlock)(void *, void *);
	uint64_t inside, outside; /* compute iterations under the lock, between */
	uint64_t x_in, x_out;     /* their LCGs: the step's checksum           */
	unsigned write_pct, acc;  /* reads interleave with writes evenly       */
	volatile uint64_t *witness; /* the section's second word; NULL: none  */
	_Atomic uint64_t *torn;
	struct cl_trial  *t;      /* its arrivals, served and overtaken      */
};

static void inc_start(struct inc *c, struct cl_trial *t, struct cl_task *task,
		      const struct cl_step_spec *s, unsigned step)
{
	const struct cl_sync_ops *sync = t->sync;

	*c = (struct inc){
		.shared = t->sync_shared,
		.local = t->local_stride ? t->sync_locals + task->index * t->local_stride : NULL,
		.counter = &t->counter,
		.add = sync->add, .lock = sync->lock, .unlock = sync->unlock,
		.read_lock = sync->read_lock, .read_unlock = sync->read_unlock,
		.inside = (uint64_t)s->inside, .outside = (uint64_t)s->outside,
		.x_in = clw_task_seed(task->index, step, 1), .x_out = clw_task_seed(task->index, step, 2),
		.write_pct = (unsigned)(100 - s->read_pct),
		/* a remote sync's counter is not this mapping's */
		.witness = s->witness && sync->lock && !(sync->flags & CL_SYNC_REMOTE) ? &t->witness : NULL,
		.torn = &t->torn, .t = t,
	};
}

/* The witnessed operations (conclab verify): every holder reads both words
 * of the critical section first, does its work inside, then writes both.
 * Two holders at once, or a holder to which the last one's writes have not
 * all arrived, find the words apart: each such operation is counted, and
 * the host judges the trial wrong. A separate loop: the measured ones keep
 * no second word. */
static void run_witnessed(struct inc *c, uint64_t n)
{
	volatile uint64_t *counter = c->counter, *witness = c->witness;

	for (uint64_t i = 0; i < n; i++) {
		bool write = (c->acc += c->write_pct) >= 100;

		c->acc -= write ? 100 : 0;
		c->x_out = clw_lcg_advance(c->x_out, c->outside);
		uint64_t ticket = 0;

		if (!write && c->read_lock) {
			c->read_lock(c->shared, c->local);
		} else {
			ticket = atomic_fetch_add_explicit(&c->t->arrivals, 1, memory_order_relaxed);
			c->lock(c->shared, c->local);
			if (ticket < c->t->highest_served)
				atomic_fetch_add_explicit(&c->t->overtaken, 1, memory_order_relaxed);
			else
				c->t->highest_served = ticket;
		}
		uint64_t v = *counter, w = *witness;

		if (v != w)
			atomic_fetch_add_explicit(c->torn, 1, memory_order_relaxed);
		c->x_in = clw_lcg_advance(c->x_in, c->inside);
		if (write) {
			*counter = v + 1;
			*witness = v + 1;
		}
		if (!write && c->read_lock)
			c->read_unlock(c->shared, c->local);
		else
			c->unlock(c->shared, c->local);
	}
}

/* n operations, each a separate read-modify-write inside lock/unlock (or a
 * read inside read_lock/read_unlock). The counter is read and written
 * through volatile and the lock ops are calls into another object, so the
 * compiler can neither fuse nor hoist the updates: without a real lock,
 * updates are lost exactly as in the seed's Python. */
static void run_ops(struct inc *c, uint64_t n)
{
	/* Everything the loop needs is copied into locals first: the calls into
	 * the plugin could otherwise make the compiler reload it on every
	 * increment, and the plain case (no work inside or outside, no reads)
	 * gets a loop of its own, so the lab adds next to nothing to what it
	 * measures. */
	void *shared = c->shared, *local = c->local;
	volatile uint64_t *counter = c->counter;
	void (*add)(void *, void *, uint64_t *, uint64_t) = c->add;
	void (*lock)(void *, void *) = c->lock;
	void (*unlock)(void *, void *) = c->unlock;
	const uint64_t inside = c->inside, outside = c->outside;
	uint64_t x_in = c->x_in, x_out = c->x_out;

	if (c->witness) {
		run_witnessed(c, n);
		return;
	}
	if (c->write_pct == 100 && !inside && !outside) {
		if (add) {
			if (n)
				add(shared, local, (uint64_t *)counter, n);
		} else {
			for (uint64_t i = 0; i < n; i++) {
				lock(shared, local);
				uint64_t v = *counter;
				*counter = v + 1;
				unlock(shared, local);
			}
		}
		return;
	}
	for (uint64_t i = 0; i < n; i++) {
		bool write = (c->acc += c->write_pct) >= 100;

		c->acc -= write ? 100 : 0;
		x_out = clw_lcg_advance(x_out, outside);
		if (!write) {
			if (c->read_lock) {
				c->read_lock(shared, local);
				x_in = clw_lcg_advance(x_in, inside);
				(void)*counter;
				c->read_unlock(shared, local);
			} else if (lock) {
				lock(shared, local);
				x_in = clw_lcg_advance(x_in, inside);
				(void)*counter;
				unlock(shared, local);
			} else {
				x_in = clw_lcg_advance(x_in, inside);
				(void)__atomic_load_n((uint64_t *)counter, __ATOMIC_ACQUIRE);
			}
		} else if (add && !lock) {
			x_in = clw_lcg_advance(x_in, inside);
			add(shared, local, (uint64_t *)counter, 1);
		} else {
			lock(shared, local);
			x_in = clw_lcg_advance(x_in, inside);
			uint64_t v = *counter;
			*counter = v + 1;
			unlock(shared, local);
		}
	}
	c->x_in = x_in;
	c->x_out = x_out;
}

/* A sample is due: the task that claims it records every task's count. */
void clrt_take_sample(struct cl_trial *t, const struct cl_step_spec *s, int64_t since_start)
{
	int64_t due = atomic_load_explicit(&t->next_sample, memory_order_relaxed);
	uint64_t sum = 0;

	if (since_start < due ||
	    !atomic_compare_exchange_strong(&t->next_sample, &due,
					    (since_start / s->sample_ns + 1) * s->sample_ns))
		return;
	uint32_t k = atomic_fetch_add(&t->nsamples, 1);

	if (k >= CL_MAX_SAMPLES)
		return;
	for (size_t i = 0; i < t->ntasks; i++)
		sum += atomic_load_explicit(&t->slots[i].ops, memory_order_relaxed);
	t->samples[k] = (struct clrt_sample){ .t_ns = since_start, .ops = sum };
}

/* A duration step: operations until the trial's window closes. The clock is
 * read once per chunk of operations, never per operation (a clock read
 * costs as much as an uncontended atomic add); the first chunk is one
 * operation and each is sized to take 20-200 us, so no task runs more than
 * about one chunk past the window, and a slow lock (a preempted holder)
 * shrinks the chunk to one operation: past the window only the operation
 * it waits in, which no task can leave early. */
static void run_for(struct cl_trial *t, struct cl_task *task, const struct cl_step_spec *s,
		    struct inc *c)
{
	int64_t now = cl_now_ns(), none = 0;
	struct clrt_slot *slot = &t->slots[task->index];
	uint64_t done = 0, chunk = 1;

	atomic_compare_exchange_strong(&t->window_start, &none, now);
	const int64_t start = atomic_load(&t->window_start), deadline = start + s->duration_ns;

	while (now < deadline) {
		int64_t before = now;

		if (!done) /* the first chunk is one operation: its lock asked for now */
			slot->first_try_ns = cl_now_ns();
		run_ops(c, chunk);
		if (!done)
			slot->first_got_ns = cl_now_ns();
		done += chunk;
		atomic_store_explicit(&slot->ops, done, memory_order_relaxed);
		now = cl_now_ns();
		if (now - before < 20000 && chunk < ((uint64_t)1 << 20))
			chunk *= 2;
		else if (now - before > 200000) /* to about 100 us at the rate just seen */
			chunk = chunk * 100000 / (uint64_t)(now - before) + 1;
		if (s->sample_ns && now < deadline) /* samples of the window, not of its overrun */
			clrt_take_sample(t, s, now - start);
	}
	task->ops += done;
	/* a task that came after the window closed (a pool's, one thread's
	 * next) did nothing in it and does not stretch it */
	for (int64_t end = atomic_load(&t->window_end);
	     done && now > end && !atomic_compare_exchange_weak(&t->window_end, &end, now);)
		;
}

static uint64_t run_increment(struct cl_trial *t, struct cl_task *task,
			      const struct cl_step_spec *s, unsigned step)
{
	struct inc c;

	inc_start(&c, t, task, s, step);
	if (s->duration_ns) {
		run_for(t, task, s, &c);
	} else {
		run_ops(&c, (uint64_t)s->times);
		task->ops += (uint64_t)s->times;
	}
	if (t->sync->flush)
		t->sync->flush(c.shared, c.local, (uint64_t *)c.counter);
	return c.x_in + c.x_out;
}

/* Step the task until it waits (a deadline, a descriptor) or, with `io`,
 * hands out an I/O operation. */
static enum cl_step step(struct cl_task *task, struct cl_wait *wait, struct cl_io *io)
{
	struct cl_trial *t = clrt_trial_of(task);
	const struct cl_workload *w = t->workload;

	const int64_t nsteps = clw_task_nsteps(w, task->index);
	struct cl_step_spec drawn;

	if (task->done)
		return CL_STEP_DONE;
	if (!task->start_ns) {
		/* open-loop arrivals: a task not yet due is a timed wait like any
		 * other, so every strategy keeps the schedule unchanged */
		int64_t due = t->due ? clrt_schedule(t) + t->due[task->index] : 0;

		if (due && cl_now_ns() < due) {
			wait->until_ns = due;
			wait->fd = -1;
			wait->events = 0;
			return CL_STEP_WAIT;
		}
		task->start_ns = cl_now_ns();
	}
	while (task->loop < (uint64_t)w->loop) {
		while (task->step < nsteps) {
			const struct cl_step_spec *s = &drawn;

			clw_task_step(w, task->index, task->step, &drawn);

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
				task->checksum += clw_lcg_advance(clw_task_seed(task->index, (unsigned)s->id, 0),
								  (uint64_t)s->iterations);
				break;
			case CL_OP_INCREMENT:
				task->checksum += run_increment(t, task, s, (unsigned)s->id);
				break;
			case CL_OP_REQUEST:
			case CL_OP_READ:
			case CL_OP_WRITE: {
				int rc = clrt_io_step(t, task, s, wait, io);

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
	clrt_io_task_done(task);
	task->cpu = sched_getcpu() + 1;
	task->end_ns = cl_now_ns();
	task->done = 1;
	return CL_STEP_DONE;
}

/* One worker in a task at a time: the interpreter's state is the task's,
 * and two workers stepping it at once would each run some of its steps (a
 * task run twice over, which its checksum cannot always tell). The second
 * fails the trial and is told the task is done. */
bool clrt_task_enter(struct cl_task *task)
{
	if (!__atomic_exchange_n(&task->busy, 1, __ATOMIC_ACQUIRE))
		return true;
	cl_trial_fail(clrt_trial_of(task), EBUSY, "task %u was stepped by two workers at once: a "
		      "strategy must hand each task to one worker at a time", task->index);
	return false;
}

void clrt_task_leave(struct cl_task *task)
{
	__atomic_store_n(&task->busy, 0, __ATOMIC_RELEASE);
}

/* cl_task_step without the guard: the caller holds the task. */
static enum cl_step step_blocking(struct cl_task *task, struct cl_wait *wait)
{
	struct cl_trial *t = clrt_trial_of(task);

	if (t->io_mode == CLRT_IO_COMPLETION) { /* its I/O would have nowhere to go */
		cl_trial_fail(t, EPROTO, "task %u: a strategy that declares CL_STRATEGY_COMPLETIONS "
			      "steps tasks with cl_task_step_io", task->index);
		task->end_ns = cl_now_ns();
		task->done = 1;
		return CL_STEP_DONE;
	}
	return step(task, wait, NULL);
}

enum cl_step cl_task_step(struct cl_task *task, struct cl_wait *wait)
{
	enum cl_step st;

	if (!clrt_task_enter(task))
		return CL_STEP_DONE;
	st = step_blocking(task, wait);
	clrt_task_leave(task);
	return st;
}

enum cl_step cl_task_step_io(struct cl_task *task, struct cl_wait *wait, struct cl_io *io)
{
	enum cl_step st;

	if (!clrt_task_enter(task))
		return CL_STEP_DONE;
	st = step(task, wait, io);
	clrt_task_leave(task);
	return st;
}

void cl_task_run(struct cl_task *task)
{
	struct cl_wait wait;

	if (!clrt_task_enter(task))
		return;
	while (step_blocking(task, &wait) == CL_STEP_WAIT) {
		struct timespec until = {
			.tv_sec = wait.until_ns / 1000000000,
			.tv_nsec = wait.until_ns % 1000000000,
		};
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
			;
	}
	clrt_task_leave(task);
}
