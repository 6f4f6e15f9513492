/* ttas: Concurrency Kit's CAS spinlock, which spins on a plain load and
 * only then tries the compare-and-swap: test-and-test-and-set. */
#include <conclab/plugin.h>

#include <ck_spinlock.h>

static int ttas_init(void *shared, const struct cl_sync_setup *setup)
{
	(void)setup;
	ck_spinlock_cas_init(shared);
	return 0;
}

static void ttas_lock(void *shared, void *local)
{
	(void)local;
	ck_spinlock_cas_lock(shared);
}

static void ttas_unlock(void *shared, void *local)
{
	(void)local;
	ck_spinlock_cas_unlock(shared);
}

static const struct cl_sync_ops ttas_ops = {
	.shared_size = sizeof(ck_spinlock_cas_t),
	.init = ttas_init,
	.lock = ttas_lock,
	.unlock = ttas_unlock,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "ttas",
	  .version = "1.0",
	  .summary = "test-and-test-and-set spinlock (ck_spinlock_cas)",
	  .description = "Waiters spin reading their cached copy and attempt the CAS only when the "
			 "lock looks free: less cache-line traffic than tas while waiting; unfair.",
	  .ops.sync = &ttas_ops);
