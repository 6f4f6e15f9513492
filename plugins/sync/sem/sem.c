/* sem: a POSIX semaphore of value 1 used as a lock, process-shared when
 * the strategy forks. */
#include <conclab/plugin.h>

#include <errno.h>
#include <semaphore.h>

static int sem_plugin_init(void *shared, const struct cl_sync_setup *setup)
{
	return sem_init(shared, setup->pshared, 1) ? cl_trial_fail(setup->trial, errno, "sem_init") : 0;
}

static void sem_plugin_destroy(void *shared)
{
	sem_destroy(shared);
}

static void sem_plugin_lock(void *shared, void *local)
{
	(void)local;
	while (sem_wait(shared) && errno == EINTR)
		;
}

static void sem_plugin_unlock(void *shared, void *local)
{
	(void)local;
	sem_post(shared);
}

static bool sem_plugin_trylock(void *shared, void *local)
{
	(void)local;
	return sem_trywait(shared) == 0;
}

static const struct cl_sync_ops sem_ops = {
	.shared_size = sizeof(sem_t),
	.init = sem_plugin_init,
	.destroy = sem_plugin_destroy,
	.lock = sem_plugin_lock,
	.unlock = sem_plugin_unlock,
	.trylock = sem_plugin_trylock,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "sem",
	  .version = "1.0",
	  .summary = "POSIX semaphore of value 1 as a lock",
	  .description = "A binary semaphore guards the counter, the way multiprocessing.Lock is "
			 "built on one: exact across threads and processes, with no owner and no "
			 "spinning before it sleeps.",
	  .ops.sync = &sem_ops);
