/* spin: a pthread spinlock around each increment, process-shared when the
 * strategy forks. */
#include <conclab/plugin.h>

#include <pthread.h>
#include <stdint.h>

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

/* The plain increment step (no work inside or outside), as a hand-written
 * loop would do it: n times lock, one read-modify-write, unlock, with no
 * call through the runtime between them. */
static void spin_add(void *shared, void *local, uint64_t *counter, uint64_t n)
{
	volatile uint64_t *c = counter;

	(void)local;
	for (uint64_t i = 0; i < n; i++) {
		pthread_spin_lock(shared);
		*c = *c + 1;
		pthread_spin_unlock(shared);
	}
}

static bool spin_trylock(void *shared, void *local)
{
	(void)local;
	return pthread_spin_trylock(shared) == 0;
}

static const struct cl_sync_ops spin_ops = {
	.shared_size = sizeof(pthread_spinlock_t),
	.init = spin_init,
	.destroy = spin_destroy,
	.lock = spin_lock,
	.unlock = spin_unlock,
	.trylock = spin_trylock,
	.add = spin_add,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "spin",
	  .version = "1.0",
	  .summary = "pthread spinlock: waiters burn CPU instead of sleeping",
	  .description = "Exact like a mutex, but a waiter spins on the CPU instead of sleeping in the "
			 "kernel: fast for tiny critical sections on idle cores, wasteful (and slow) "
			 "when there are more tasks than cores and the holder is preempted.",
	  .ops.sync = &spin_ops);
