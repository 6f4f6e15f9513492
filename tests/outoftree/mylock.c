/* A sync plugin written outside the conclab tree: a test-and-set lock on a
 * C11 atomic flag, with nothing but <conclab/plugin.h>. */
#include <conclab/plugin.h>

#include <stdatomic.h>

static void mylock_lock(void *shared, void *local)
{
	(void)local;
	while (atomic_flag_test_and_set_explicit((atomic_flag *)shared, memory_order_acquire))
		;
}

static void mylock_unlock(void *shared, void *local)
{
	(void)local;
	atomic_flag_clear_explicit((atomic_flag *)shared, memory_order_release);
}

static const struct cl_sync_ops mylock_ops = {
	.shared_size = sizeof(atomic_flag), .lock = mylock_lock, .unlock = mylock_unlock,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC, .name = "outoftree-tas", .version = "1.0",
	  .summary = "out-of-tree: a test-and-set lock on a C11 atomic_flag", .ops.sync = &mylock_ops);
