/* ticket: Concurrency Kit's ticket spinlock, FIFO by ticket number. */
#include <conclab/plugin.h>

#include <ck_spinlock.h>

static int ticket_init(void *shared, const struct cl_sync_setup *setup)
{
	(void)setup;
	ck_spinlock_ticket_init(shared);
	return 0;
}

static void ticket_lock(void *shared, void *local)
{
	(void)local;
	ck_spinlock_ticket_lock(shared);
}

static void ticket_unlock(void *shared, void *local)
{
	(void)local;
	ck_spinlock_ticket_unlock(shared);
}

static const struct cl_sync_ops ticket_ops = {
	.shared_size = sizeof(ck_spinlock_ticket_t),
	.init = ticket_init,
	.lock = ticket_lock,
	.unlock = ticket_unlock,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "ticket",
	  .version = "1.0",
	  .summary = "ticket spinlock (ck_spinlock_ticket): fair, FIFO",
	  .description = "Waiters take a ticket and are served in order: no starvation, but every "
			 "waiter spins on the same line, and a preempted next-in-line stalls all "
			 "behind it when tasks outnumber cores.",
	  .ops.sync = &ticket_ops);
