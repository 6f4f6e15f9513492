/* mcs: Concurrency Kit's MCS queue lock; each task's queue node is its
 * local block, in shared memory so forked workers can link to it. */
#include <conclab/plugin.h>

#include <ck_spinlock.h>

static int mcs_init(void *shared, const struct cl_sync_setup *setup)
{
	(void)setup;
	ck_spinlock_mcs_init(shared);
	return 0;
}

static void mcs_lock(void *shared, void *local)
{
	ck_spinlock_mcs_lock(shared, local);
}

static void mcs_unlock(void *shared, void *local)
{
	ck_spinlock_mcs_unlock(shared, local);
}

static const struct cl_sync_ops mcs_ops = {
	.flags = CL_SYNC_FIFO,
	.shared_size = sizeof(ck_spinlock_mcs_t),
	.local_size = sizeof(struct ck_spinlock_mcs),
	.init = mcs_init,
	.lock = mcs_lock,
	.unlock = mcs_unlock,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "mcs",
	  .version = "1.0",
	  .summary = "MCS queue lock (ck_spinlock_mcs): each waiter spins on its own node",
	  .description = "Waiters form a linked queue and each spins on a flag in its own node, so a "
			 "hand-over touches one waiter's cache line: the lock that scales on big "
			 "machines. FIFO, so a preempted waiter stalls the queue.",
	  .ops.sync = &mcs_ops);
