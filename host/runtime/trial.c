/* One trial's shared mapping and the services strategies call on it: task
 * lookup, the claim cursor for pools, the start barrier, failure reports. */
#define _GNU_SOURCE
#include "runtime_private.h" /* first: it sets what is exported */

#include <sys/resource.h>
#include <time.h>

#include <sched.h>

#include <ck_pr.h>
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SPIN_NS 500000    /* at the start barrier, before sleeping */
#define HOLD_NS 50000000  /* after it opens, waiting for the others to run */
#define ALIGN64(n) (((n) + 63) & ~(size_t)63)

struct cl_trial *clrt_trial_map(const struct cl_workload *workload, const struct clw_trial_env *env,
				const struct cl_sync_ops *sync, size_t *map_size)
{
	size_t ntasks = (size_t)workload->tasks;
	size_t head = ALIGN64(sizeof(struct cl_trial) + ntasks * sizeof(struct cl_task));
	size_t shared = ALIGN64(sync->shared_size + sync->shared_per_task * ntasks);
	size_t stride = ALIGN64(sync->local_size);
	const struct cl_step_spec *timed = clw_duration_step(workload);
	size_t slots = timed ? ntasks * sizeof(struct clrt_slot) : 0;
	size_t samples = timed && timed->sample_ns ? CL_MAX_SAMPLES * sizeof(struct clrt_sample) : 0;
	size_t due = workload->arrival_process ? ALIGN64(ntasks * sizeof(int64_t)) : 0;
	size_t size = head + shared + stride * ntasks + slots + samples + due;
	struct cl_trial *t;

	/* MAP_SHARED before the trial forks: the host reads every record back
	 * even when the trial process crashed, and forked workers share it. */
	t = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (t == MAP_FAILED)
		return NULL;
	t->workload = workload;
	t->env = env;
	t->sync = sync;
	t->sync_shared = (char *)t + head;
	t->sync_locals = stride ? (char *)t + head + shared : NULL;
	t->local_stride = stride;
	t->ntasks = ntasks;
	t->map_size = size;
	if (slots)
		t->slots = (struct clrt_slot *)((char *)t + head + shared + stride * ntasks);
	if (samples) {
		t->samples = (struct clrt_sample *)((char *)t->slots + slots);
		t->next_sample = timed->sample_ns;
	}
	if (due) {
		t->due = (int64_t *)((char *)t + size - due);
		clw_arrival_offsets(workload, t->due);
	}
	*map_size = size;
	return t;
}

/* CPU is read inside the wall interval (after its start, before its end),
 * so the trial's cores cover the same run as its wall time and one thread
 * can never show more than one core: the process's own CPU from its
 * nanosecond clock, that of the children it waited for (a forking strategy's
 * workers) from rusage. */
struct run_cpu {
	int64_t       self_ns;
	struct rusage self, children;
};

static int64_t tv_ns(struct timeval tv)
{
	return (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
}

static void run_cpu_read(struct run_cpu *c)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	c->self_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	getrusage(RUSAGE_SELF, &c->self);
	getrusage(RUSAGE_CHILDREN, &c->children);
}

static void run_cpu_spent(struct cl_trial *t, const struct run_cpu *a, const struct run_cpu *b)
{
	int64_t self = b->self_ns - a->self_ns;
	int64_t user = tv_ns(b->self.ru_utime) - tv_ns(a->self.ru_utime);
	int64_t sys = tv_ns(b->self.ru_stime) - tv_ns(a->self.ru_stime);
	/* rusage's microseconds only split the precise total into user and sys */
	double user_share = user + sys > 0 ? (double)user / (double)(user + sys) : 1;

	t->run_user_ns = (int64_t)((double)self * user_share) +
			 tv_ns(b->children.ru_utime) - tv_ns(a->children.ru_utime);
	t->run_sys_ns = self - (int64_t)((double)self * user_share) +
			tv_ns(b->children.ru_stime) - tv_ns(a->children.ru_stime);
}

void clrt_trial_run(struct cl_trial *t, const struct cl_plugin *strategy,
		    const int64_t *strategy_params, const struct cl_plugin *sync,
		    const int64_t *sync_params)
{
	const struct cl_sync_ops *ops = sync->ops.sync;
	struct cl_sync_setup setup = {
		.ntasks = (uint32_t)t->ntasks,
		.pshared = strategy->ops.strategy->flags & CL_STRATEGY_FORKS,
		.params = sync_params,
		.trial = t,
	};
	int rc = 0;

	/* the ops the trial calls are those of the plugin loaded here: the
	 * host mapped the trial with its copy, which has no functions */
	t->sync = ops;
	uint32_t flags = strategy->ops.strategy->flags;

	t->io_mode = flags & CL_STRATEGY_COMPLETIONS ? CLRT_IO_COMPLETION
		     : flags & CL_STRATEGY_FD_WAITS  ? CLRT_IO_READINESS
						      : CLRT_IO_BLOCKING;
	/* a remote sync lives where the strategy runs the tasks (an MPI
	 * window needs MPI): the trial process never initialises it */
	bool remote = ops->flags & CL_SYNC_REMOTE;

	for (size_t i = 0; i < t->ntasks; i++)
		t->tasks[i].index = (uint32_t)i;
	if (ops->init && !remote)
		rc = ops->init(t->sync_shared, &setup);
	if (rc < 0) {
		cl_trial_fail(t, -rc, "sync '%s': init failed", sync->name);
	} else {
		struct run_cpu before, after;

		t->run_start_ns = cl_now_ns();
		run_cpu_read(&before);
		rc = strategy->ops.strategy->run(t, strategy_params);
		run_cpu_read(&after);
		t->run_end_ns = cl_now_ns();
		run_cpu_spent(t, &before, &after);
		if (ops->destroy && !remote)
			ops->destroy(t->sync_shared);
	}
	t->rc = rc;
	t->finished = 1;
}

void clrt_trial_unmap(struct cl_trial *trial, size_t map_size)
{
	if (trial)
		munmap(trial, map_size);
}

int64_t clrt_schedule(struct cl_trial *t)
{
	int64_t zero = atomic_load_explicit(&t->schedule_ns, memory_order_acquire), now;

	if (zero)
		return zero;
	now = cl_now_ns();
	return atomic_compare_exchange_strong(&t->schedule_ns, &zero, now) ? now : zero;
}

struct cl_trial *clrt_trial_of(struct cl_task *task)
{
	char *first = (char *)(task - task->index);

	return (struct cl_trial *)(first - offsetof(struct cl_trial, tasks));
}

size_t cl_trial_ntasks(const struct cl_trial *trial)
{
	return trial->ntasks;
}

struct cl_task *cl_trial_task(struct cl_trial *trial, size_t i)
{
	return i < trial->ntasks ? &trial->tasks[i] : NULL;
}

struct cl_task *cl_trial_claim(struct cl_trial *trial)
{
	uint64_t i = atomic_fetch_add_explicit(&trial->claim_cursor, 1, memory_order_relaxed);

	return i < trial->ntasks ? &trial->tasks[i] : NULL;
}

/* Shared (not private) futexes: the barrier lives in MAP_SHARED memory and
 * its waiters may be forked processes. */
static void futex_wait(_Atomic uint32_t *addr, uint32_t expected)
{
	syscall(SYS_futex, addr, FUTEX_WAIT, expected, NULL, NULL, 0);
}

static void futex_wake_all(_Atomic uint32_t *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

void cl_trial_barrier_arm(struct cl_trial *trial, unsigned parties)
{
	unsigned cpus = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);

	trial->barrier.parties = parties ? parties : 1;
	atomic_store(&trial->barrier.arrived, 0);
	atomic_store(&trial->barrier.running, 0);
	/* Workers can start together only while each can have a CPU. With more
	 * of them than CPUs, holding them would add nothing but a storm of
	 * wake-ups (and, for processes, of exits) to the measurement: then the
	 * barrier starts open and each worker begins as soon as it exists. */
	atomic_store(&trial->barrier.state, trial->barrier.parties > cpus ? 1 : 0);
}

/* Move the calling thread onto the index-th CPU it may use, keeping its
 * whole mask in *saved to give back. 0 if it moved. */
static int pin_to_nth_cpu(unsigned index, cpu_set_t *saved)
{
	cpu_set_t one;
	unsigned seen = 0;

	if (sched_getaffinity(0, sizeof *saved, saved))
		return -1;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, saved) || seen++ != index)
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		return sched_setaffinity(0, sizeof one, &one);
	}
	return -1;
}

int cl_trial_barrier_wait(struct cl_trial *trial)
{
	struct clrt_barrier *b = &trial->barrier;
	uint32_t state;
	cpu_set_t saved;

	if (atomic_load(&b->state) == 1)
		return 0;
	/* Opening the barrier is not yet starting together: the scheduler may
	 * leave two released parties on one CPU for a whole time slice while
	 * another CPU idles, and then the tasks run one after the other and
	 * the seed's race never shows. So each party waits on a CPU of its own
	 * (there is one for each, or the barrier would have started open), and
	 * gets its own CPU mask back once all of them are running. */
	uint32_t index = atomic_fetch_add(&b->arrived, 1);
	int pinned = pin_to_nth_cpu(index, &saved) == 0;

	if (index + 1 == b->parties) {
		uint32_t closed = 0;

		atomic_compare_exchange_strong(&b->state, &closed, 1);
		futex_wake_all(&b->state);
	}
	/* Spin a little before sleeping: most parties arrive within it. */
	int64_t spin_until = cl_now_ns() + SPIN_NS;

	while ((state = atomic_load(&b->state)) == 0 && cl_now_ns() < spin_until)
		ck_pr_stall();
	while ((state = atomic_load(&b->state)) == 0)
		futex_wait(&b->state, 0);
	if (state == 1) {
		int64_t hold_until = cl_now_ns() + HOLD_NS;

		atomic_fetch_add(&b->running, 1);
		while (atomic_load(&b->running) < b->parties && atomic_load(&b->state) == 1 &&
		       cl_now_ns() < hold_until)
			ck_pr_stall();
	}
	if (pinned)
		sched_setaffinity(0, sizeof saved, &saved);
	return atomic_load(&b->state) == 1 ? 0 : -ECANCELED;
}

void cl_trial_barrier_cancel(struct cl_trial *trial)
{
	atomic_store(&trial->barrier.state, 2);
	futex_wake_all(&trial->barrier.state);
}

int cl_trial_place(struct cl_trial *trial, unsigned worker)
{
	const struct clw_placement *place = &trial->env->place;
	cpu_set_t one;
	int cpu;

	if (place->n <= 0)
		return 0;
	cpu = place->cpus[worker % (uint64_t)place->n];
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof one, &one)) {
		int err = errno;

		cl_trial_barrier_cancel(trial); /* nobody waits for this worker */
		return cl_trial_fail(trial, err, "placement: worker %u cannot run on CPU %d", worker, cpu);
	}
	return 0;
}

int cl_trial_fail(struct cl_trial *trial, int err, const char *fmt, ...)
{
	int expected = 0;

	if (atomic_compare_exchange_strong(&trial->failed, &expected, 1)) {
		va_list ap;
		size_t len;

		va_start(ap, fmt);
		vsnprintf(trial->message, sizeof trial->message, fmt, ap);
		va_end(ap);
		len = strlen(trial->message);
		if (err > 0 && len + 3 < sizeof trial->message)
			snprintf(trial->message + len, sizeof trial->message - len, ": %s", strerror(err));
	}
	return err > 0 ? -err : -EIO;
}
