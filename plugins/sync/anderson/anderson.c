/* anderson: Concurrency Kit's array-based queue lock, one slot per task in
 * the shared block (shared_per_task). */
#include <conclab/plugin.h>

#include <ck_spinlock.h>

/* The task's local block remembers which slot its lock call was given. */
struct anderson_local {
	ck_spinlock_anderson_thread_t *slot;
};

static int anderson_init(void *shared, const struct cl_sync_setup *setup)
{
	ck_spinlock_anderson_t *lock = shared;

	/* The slots follow the lock (shared_per_task): one per task, so there
	 * are never more waiters than slots. */
	ck_spinlock_anderson_init(lock, (ck_spinlock_anderson_thread_t *)(lock + 1), setup->ntasks);
	return 0;
}

static void anderson_lock(void *shared, void *local)
{
	ck_spinlock_anderson_lock(shared, &((struct anderson_local *)local)->slot);
}

static void anderson_unlock(void *shared, void *local)
{
	ck_spinlock_anderson_unlock(shared, ((struct anderson_local *)local)->slot);
}

static const struct cl_sync_ops anderson_ops = {
	.flags = CL_SYNC_FIFO,
	.shared_size = sizeof(ck_spinlock_anderson_t),
	.shared_per_task = sizeof(ck_spinlock_anderson_thread_t),
	.local_size = sizeof(struct anderson_local),
	.init = anderson_init,
	.lock = anderson_lock,
	.unlock = anderson_unlock,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "anderson",
	  .version = "1.0",
	  .summary = "Anderson array lock (ck_spinlock_anderson): FIFO, one slot each",
	  .description = "Each waiter spins on its own array slot and the holder hands over by "
			 "writing the next slot: FIFO with less traffic on one line than ticket. ck's "
			 "slots are 8 bytes, so neighbours still share cache lines.",
	  .ops.sync = &anderson_ops);
