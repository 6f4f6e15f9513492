/* spinpark: a futex lock that spins a bounded time, then sleeps in the
 * kernel: Drepper's three-state mutex ("Futexes Are Tricky", mutex 2) with a
 * spinning phase in front. Written here rather than taken from glibc (whose
 * PTHREAD_MUTEX_ADAPTIVE_NP spins a count it picks itself) because the
 * spin time is what the lab varies: 0 is a pure sleeping lock, a long spin
 * is a spinlock that can still sleep when its holder is preempted. */
#define _GNU_SOURCE
#include <conclab/plugin.h>

#include <ck_pr.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { P_SPIN_NS, P_COUNT };

static const struct cl_param_decl spinpark_params[] = {
	[P_SPIN_NS] = { "spin_ns", CL_PARAM_INT, 20000, 0, 100000000,
			"how long a waiter spins before it sleeps in the kernel, ns" },
	[P_COUNT] = { 0 },
};
CL_PARAMS_CHECK(spinpark_params, P_COUNT);

/* 0 free, 1 held, 2 held and someone may sleep on it */
struct spinpark {
	_Atomic uint32_t state;
	int              wait_op, wake_op; /* private futexes unless the tasks fork */
	int64_t          spin_ns;
};

static int spinpark_init(void *shared, const struct cl_sync_setup *setup)
{
	struct spinpark *l = shared;

	atomic_store(&l->state, 0);
	l->wait_op = setup->pshared ? FUTEX_WAIT : FUTEX_WAIT_PRIVATE;
	l->wake_op = setup->pshared ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE;
	l->spin_ns = setup->params[P_SPIN_NS];
	return 0;
}

static void spinpark_lock(void *shared, void *local)
{
	struct spinpark *l = shared;
	uint32_t free_ = 0;

	(void)local;
	if (atomic_compare_exchange_strong(&l->state, &free_, 1))
		return;
	if (l->spin_ns) { /* spin on a plain load: no line bounces while held */
		int64_t until = cl_now_ns() + l->spin_ns;
		unsigned n = 0;

		do {
			ck_pr_stall();
			free_ = 0;
			if (atomic_load_explicit(&l->state, memory_order_relaxed) == 0 &&
			    atomic_compare_exchange_strong(&l->state, &free_, 1))
				return;
		} while ((++n & 63) || cl_now_ns() < until);
	}
	/* park: say there is a waiter (2), sleep while it stays held */
	while (atomic_exchange(&l->state, 2) != 0)
		syscall(SYS_futex, &l->state, l->wait_op, 2, NULL, NULL, 0);
}

static void spinpark_unlock(void *shared, void *local)
{
	struct spinpark *l = shared;

	(void)local;
	if (atomic_exchange(&l->state, 0) == 2)
		syscall(SYS_futex, &l->state, l->wake_op, 1, NULL, NULL, 0);
}

static bool spinpark_trylock(void *shared, void *local)
{
	uint32_t free_ = 0;

	(void)local;
	return atomic_compare_exchange_strong(&((struct spinpark *)shared)->state, &free_, 1);
}

static const struct cl_sync_ops spinpark_ops = {
	.shared_size = sizeof(struct spinpark),
	.init = spinpark_init,
	.lock = spinpark_lock,
	.unlock = spinpark_unlock,
	.trylock = spinpark_trylock,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "spinpark",
	  .version = "1.0",
	  .summary = "futex lock: spins spin_ns, then sleeps in the kernel",
	  .description = "Spin-then-park: a waiter spins a bounded time (the holder is probably "
			 "about to leave) and then sleeps on a futex, so a preempted holder costs a "
			 "sleep, not a time slice of spinning. Where tasks outnumber cores it keeps "
			 "the throughput a pure spinlock loses; spin_ns = 0 is a plain sleeping lock.",
	  .params = spinpark_params,
	  .ops.sync = &spinpark_ops);
