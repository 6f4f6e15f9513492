/* ttas: Concurrency Kit's CAS spinlock, which spins on a plain load and
 * only then tries the compare-and-swap: test-and-test-and-set. */
#include <conclab/plugin.h>

#include <ck_spinlock.h>
#include <stdbool.h>

enum { P_BACKOFF, P_COUNT };

static const struct cl_param_decl ttas_params[] = {
	[P_BACKOFF] = { "backoff", CL_PARAM_BOOL, 0, 0, 1,
			"exponential backoff between attempts (ck_spinlock_cas_lock_eb)" },
	[P_COUNT] = { 0 },
};
CL_PARAMS_CHECK(ttas_params, P_COUNT);

/* The lock, and whether waiters back off: read on every acquisition, from
 * the line the lock is on. */
struct ttas_lock {
	ck_spinlock_cas_t lock;
	bool backoff;
};

static int ttas_init(void *shared, const struct cl_sync_setup *setup)
{
	struct ttas_lock *l = shared;

	ck_spinlock_cas_init(&l->lock);
	l->backoff = setup->params[P_BACKOFF];
	return 0;
}

static void ttas_lock(void *shared, void *local)
{
	struct ttas_lock *l = shared;

	(void)local;
	if (l->backoff)
		ck_spinlock_cas_lock_eb(&l->lock);
	else
		ck_spinlock_cas_lock(&l->lock);
}

static void ttas_unlock(void *shared, void *local)
{
	(void)local;
	ck_spinlock_cas_unlock(&((struct ttas_lock *)shared)->lock);
}

static bool ttas_trylock(void *shared, void *local)
{
	(void)local;
	return ck_spinlock_cas_trylock(&((struct ttas_lock *)shared)->lock);
}

static const struct cl_sync_ops ttas_ops = {
	.shared_size = sizeof(struct ttas_lock),
	.init = ttas_init,
	.lock = ttas_lock,
	.unlock = ttas_unlock,
	.trylock = ttas_trylock,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "ttas",
	  .version = "1.0",
	  .summary = "test-and-test-and-set spinlock (ck_spinlock_cas)",
	  .description = "Waiters spin reading their cached copy and attempt the CAS only when the "
			 "lock looks free: less cache-line traffic than tas while waiting; unfair.",
	  .params = ttas_params,
	  .ops.sync = &ttas_ops);
