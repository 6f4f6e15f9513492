/* spin: a pthread spinlock around each increment, process-shared when the
 * strategy forks. */
#include <conclab/plugin.h>

#include <pthread.h>

static int spin_init(void *shared, const struct cl_sync_setup *setup)
{
	return -pthread_spin_init(shared, setup->pshared ? PTHREAD_PROCESS_SHARED : PTHREAD_PROCESS_PRIVATE);
}

static void spin_destroy(void *shared)
{
	pthread_spin_destroy(shared);
}

static void spin_lock(void *shared, void *local)
{
	(void)local;
	pthread_spin_lock(shared);
}

static void spin_unlock(void *shared, void *local)
{
	(void)local;
	pthread_spin_unlock(shared);
}

static const struct cl_sync_ops spin_ops = {
	.shared_size = sizeof(pthread_spinlock_t),
	.init = spin_init,
	.destroy = spin_destroy,
	.lock = spin_lock,
	.unlock = spin_unlock,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "spin",
	  .version = "1.0",
	  .summary = "pthread spinlock: waiters burn CPU instead of sleeping",
	  .description = "Exact like a mutex, but a waiter spins on the CPU instead of sleeping in the "
			 "kernel: fast for tiny critical sections on idle cores, wasteful (and slow) "
			 "when there are more tasks than cores and the holder is preempted.",
	  .ops.sync = &spin_ops);
