/* tas: Concurrency Kit's fetch-and-store spinlock, plain test-and-set. */
#include <conclab/plugin.h>

#include <ck_spinlock.h>
#include <stdbool.h>

enum { P_BACKOFF, P_COUNT };

static const struct cl_param_decl tas_params[] = {
	[P_BACKOFF] = { "backoff", CL_PARAM_BOOL, 0, 0, 1,
			"exponential backoff between attempts (ck_spinlock_fas_lock_eb)" },
	[P_COUNT] = { 0 },
};
CL_PARAMS_CHECK(tas_params, P_COUNT);

/* The lock, and whether waiters back off: read on every acquisition, from
 * the line the lock is on. */
struct tas_lock {
	ck_spinlock_fas_t lock;
	bool backoff;
};

static int tas_init(void *shared, const struct cl_sync_setup *setup)
{
	struct tas_lock *l = shared;

	ck_spinlock_fas_init(&l->lock);
	l->backoff = setup->params[P_BACKOFF];
	return 0;
}

static void tas_lock(void *shared, void *local)
{
	struct tas_lock *l = shared;

	(void)local;
	if (l->backoff)
		ck_spinlock_fas_lock_eb(&l->lock);
	else
		ck_spinlock_fas_lock(&l->lock);
}

static void tas_unlock(void *shared, void *local)
{
	(void)local;
	ck_spinlock_fas_unlock(&((struct tas_lock *)shared)->lock);
}

static bool tas_trylock(void *shared, void *local)
{
	(void)local;
	return ck_spinlock_fas_trylock(&((struct tas_lock *)shared)->lock);
}

static const struct cl_sync_ops tas_ops = {
	.shared_size = sizeof(struct tas_lock),
	.init = tas_init,
	.lock = tas_lock,
	.unlock = tas_unlock,
	.trylock = tas_trylock,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "tas",
	  .version = "1.0",
	  .summary = "test-and-set spinlock (ck_spinlock_fas)",
	  .description = "The simplest spinlock: swap 1 in until the old value was 0. Every attempt "
			 "is a write, so waiters bounce the cache line between cores; unfair.",
	  .params = tas_params,
	  .ops.sync = &tas_ops);
