/* clh: Concurrency Kit's CLH queue lock. A task enqueues its node and, on
 * unlock, takes over its predecessor's node, so nodes wander between tasks;
 * all of them live in the trial's shared memory. */
#include <conclab/plugin.h>

#include <ck_spinlock.h>

struct clh_shared {
	ck_spinlock_clh_t *queue;
	ck_spinlock_clh_t  unowned; /* the node the queue starts from */
};

struct clh_local {
	ck_spinlock_clh_t  node;    /* the node this task brought       */
	ck_spinlock_clh_t *mine;    /* the node it holds now; NULL: node */
};

static int clh_init(void *shared, const struct cl_sync_setup *setup)
{
	struct clh_shared *s = shared;

	(void)setup;
	ck_spinlock_clh_init(&s->queue, &s->unowned);
	return 0;
}

static void clh_lock(void *shared, void *local)
{
	struct clh_local *l = local;

	if (!l->mine)
		l->mine = &l->node;
	ck_spinlock_clh_lock(&((struct clh_shared *)shared)->queue, l->mine);
}

static void clh_unlock(void *shared, void *local)
{
	(void)shared;
	ck_spinlock_clh_unlock(&((struct clh_local *)local)->mine);
}

static const struct cl_sync_ops clh_ops = {
	.flags = CL_SYNC_FIFO,
	.shared_size = sizeof(struct clh_shared),
	.local_size = sizeof(struct clh_local),
	.init = clh_init,
	.lock = clh_lock,
	.unlock = clh_unlock,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "clh",
	  .version = "1.0",
	  .summary = "CLH queue lock (ck_spinlock_clh): each waiter spins on its predecessor",
	  .description = "Like MCS a FIFO queue with local spinning, but each waiter spins on its "
			 "predecessor's node and inherits it on unlock; one atomic swap per acquire.",
	  .ops.sync = &clh_ops);
