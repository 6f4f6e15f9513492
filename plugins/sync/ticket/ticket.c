/* ticket: Concurrency Kit's ticket spinlock, FIFO by ticket number. */
#include <conclab/plugin.h>

#include <ck_spinlock.h>
#include <stdbool.h>

enum { P_BACKOFF, P_COUNT };

static const struct cl_param_decl ticket_params[] = {
	[P_BACKOFF] = { "backoff", CL_PARAM_BOOL, 0, 0, 1,
			"back off in proportion to the place in the queue (ck_spinlock_ticket_lock_pb)" },
	[P_COUNT] = { 0 },
};
CL_PARAMS_CHECK(ticket_params, P_COUNT);

/* The lock, and whether waiters back off: read on every acquisition, from
 * the line the lock is on. */
struct ticket_lock {
	ck_spinlock_ticket_t lock;
	bool backoff;
};

static int ticket_init(void *shared, const struct cl_sync_setup *setup)
{
	struct ticket_lock *l = shared;

	ck_spinlock_ticket_init(&l->lock);
	l->backoff = setup->params[P_BACKOFF];
	return 0;
}

static void ticket_lock(void *shared, void *local)
{
	struct ticket_lock *l = shared;

	(void)local;
	if (l->backoff)
		ck_spinlock_ticket_lock_pb(&l->lock, 0);
	else
		ck_spinlock_ticket_lock(&l->lock);
}

static void ticket_unlock(void *shared, void *local)
{
	(void)local;
	ck_spinlock_ticket_unlock(&((struct ticket_lock *)shared)->lock);
}

#ifdef CK_F_SPINLOCK_TICKET_TRYLOCK
/* Takes a ticket only when it would be served at once: FIFO is kept. */
static bool ticket_trylock(void *shared, void *local)
{
	(void)local;
	return ck_spinlock_ticket_trylock(&((struct ticket_lock *)shared)->lock);
}
#define TICKET_TRYLOCK ticket_trylock
#else
#define TICKET_TRYLOCK NULL
#endif

static const struct cl_sync_ops ticket_ops = {
	.flags = CL_SYNC_FIFO,
	.shared_size = sizeof(struct ticket_lock),
	.init = ticket_init,
	.lock = ticket_lock,
	.unlock = ticket_unlock,
	.trylock = TICKET_TRYLOCK,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "ticket",
	  .version = "1.0",
	  .summary = "ticket spinlock (ck_spinlock_ticket): fair, FIFO",
	  .description = "Waiters take a ticket and are served in order: no starvation, but every "
			 "waiter spins on the same line, and a preempted next-in-line stalls all "
			 "behind it when tasks outnumber cores.",
	  .params = ticket_params,
	  .ops.sync = &ticket_ops);
