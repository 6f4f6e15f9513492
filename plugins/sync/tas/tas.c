/* tas: Concurrency Kit's fetch-and-store spinlock, plain test-and-set. */
#include <conclab/plugin.h>

#include <ck_spinlock.h>

static int tas_init(void *shared, const struct cl_sync_setup *setup)
{
	(void)setup;
	ck_spinlock_fas_init(shared);
	return 0;
}

static void tas_lock(void *shared, void *local)
{
	(void)local;
	ck_spinlock_fas_lock(shared);
}

static void tas_unlock(void *shared, void *local)
{
	(void)local;
	ck_spinlock_fas_unlock(shared);
}

static const struct cl_sync_ops tas_ops = {
	.shared_size = sizeof(ck_spinlock_fas_t),
	.init = tas_init,
	.lock = tas_lock,
	.unlock = tas_unlock,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "tas",
	  .version = "1.0",
	  .summary = "test-and-set spinlock (ck_spinlock_fas)",
	  .description = "The simplest spinlock: swap 1 in until the old value was 0. Every attempt "
			 "is a write, so waiters bounce the cache line between cores; unfair.",
	  .ops.sync = &tas_ops);
