/* rwlock: a pthread rwlock: the writer side around each increment, the
 * reader side around each read of a workload with read_pct. */
#include <conclab/plugin.h>

#include <pthread.h>

static int rwlock_init(void *shared, const struct cl_sync_setup *setup)
{
	pthread_rwlockattr_t attr;
	int err;

	pthread_rwlockattr_init(&attr);
	if (setup->pshared)
		pthread_rwlockattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	err = pthread_rwlock_init(shared, &attr);
	pthread_rwlockattr_destroy(&attr);
	return err ? cl_trial_fail(setup->trial, err, "pthread_rwlock_init (%s)",
				   setup->pshared ? "process-shared" : "private") : 0;
}

static void rwlock_destroy(void *shared)
{
	pthread_rwlock_destroy(shared);
}

static void rwlock_lock(void *shared, void *local)
{
	(void)local;
	pthread_rwlock_wrlock(shared);
}

static void rwlock_unlock(void *shared, void *local)
{
	(void)local;
	pthread_rwlock_unlock(shared);
}

static void rwlock_read_lock(void *shared, void *local)
{
	(void)local;
	pthread_rwlock_rdlock(shared);
}

static bool rwlock_trylock(void *shared, void *local)
{
	(void)local;
	return pthread_rwlock_trywrlock(shared) == 0;
}

static const struct cl_sync_ops rwlock_ops = {
	.shared_size = sizeof(pthread_rwlock_t),
	.init = rwlock_init,
	.destroy = rwlock_destroy,
	.lock = rwlock_lock,
	.unlock = rwlock_unlock,
	.trylock = rwlock_trylock,
	.read_lock = rwlock_read_lock,
	.read_unlock = rwlock_unlock,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "rwlock",
	  .version = "1.1",
	  .summary = "pthread rwlock: writers alone, readers together",
	  .description = "Every increment is a write; the reads of an increment step with read_pct "
			 "take the shared side, so readers run together. With no reads it shows what "
			 "a reader-writer lock costs over a plain mutex; with mostly reads, what "
			 "sharing buys (and the cache line every reader still writes to take it).",
	  .ops.sync = &rwlock_ops);
