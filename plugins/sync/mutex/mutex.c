/* mutex: a pthread mutex around each increment, process-shared when the
 * strategy forks (the seed's threading.Lock and multiprocessing.Lock). */
#include <conclab/plugin.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>

enum { PARAM_ADAPTIVE, PARAM_COUNT };

static const struct cl_param_decl mutex_params[] = {
	[PARAM_ADAPTIVE] = { "adaptive", CL_PARAM_BOOL, 0, 0, 1,
			     "spin briefly before sleeping (PTHREAD_MUTEX_ADAPTIVE_NP)" },
	[PARAM_COUNT] = { 0 },
};
CL_PARAMS_CHECK(mutex_params, PARAM_COUNT);

static int mutex_init(void *shared, const struct cl_sync_setup *setup)
{
	pthread_mutexattr_t attr;
	int err;

	pthread_mutexattr_init(&attr);
	if (setup->pshared)
		pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	if (setup->params[PARAM_ADAPTIVE])
		pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
	err = pthread_mutex_init(shared, &attr);
	pthread_mutexattr_destroy(&attr);
	return err ? cl_trial_fail(setup->trial, err, "pthread_mutex_init (%s)",
				   setup->pshared ? "process-shared" : "private") : 0;
}

static void mutex_destroy(void *shared)
{
	pthread_mutex_destroy(shared);
}

static void mutex_lock(void *shared, void *local)
{
	(void)local;
	pthread_mutex_lock(shared);
}

static void mutex_unlock(void *shared, void *local)
{
	(void)local;
	pthread_mutex_unlock(shared);
}

/* The plain increment step (no work inside or outside), as a hand-written
 * loop would do it: n times lock, one read-modify-write, unlock, with no
 * call through the runtime between them. */
static void mutex_add(void *shared, void *local, uint64_t *counter, uint64_t n)
{
	volatile uint64_t *c = counter;

	(void)local;
	for (uint64_t i = 0; i < n; i++) {
		pthread_mutex_lock(shared);
		*c = *c + 1;
		pthread_mutex_unlock(shared);
	}
}

/* For a runtime that must not wait holding a lock of its own (the GIL). */
static bool mutex_trylock(void *shared, void *local)
{
	(void)local;
	return pthread_mutex_trylock(shared) == 0;
}

static const struct cl_sync_ops mutex_ops = {
	.shared_size = sizeof(pthread_mutex_t),
	.init = mutex_init,
	.destroy = mutex_destroy,
	.lock = mutex_lock,
	.unlock = mutex_unlock,
	.trylock = mutex_trylock,
	.add = mutex_add,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "mutex",
	  .version = "1.0",
	  .summary = "pthread mutex, process-shared across forks",
	  .description = "The textbook fix for the race: every increment holds a pthread mutex, so "
			 "the counter is exact. Contended, a waiter sleeps in the kernel (futex), "
			 "which shows as voluntary context switches.",
	  .params = mutex_params,
	  .ops.sync = &mutex_ops);
