/* slots: every task counts in a slot of its own in one shared array, each
 * increment a store to memory, and adds its slot to the counter at the end
 * of the step. The slots are `padding` bytes apart: 8 puts eight tasks'
 * slots on one cache line (false sharing: no data is shared, the line is),
 * 64 gives each its own line, 128 also keeps the adjacent-line prefetcher
 * of Intel cores from pairing two lines. */
#include <conclab/plugin.h>

#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>

enum { P_PADDING, P_COUNT };

static const struct cl_param_decl slots_params[] = {
	[P_PADDING] = { "padding", CL_PARAM_INT, 64, 8, 4096,
			"bytes from one task's slot to the next (a multiple of 8): 8 = packed" },
	[P_COUNT] = { 0 },
};
CL_PARAMS_CHECK(slots_params, P_COUNT);

#define MAX_PADDING 4096

struct slots {
	_Atomic uint64_t next;  /* slots handed out */
	uint64_t         stride;
	alignas(64) char base[];
};

struct mine {
	volatile uint64_t *slot;
};

static int slots_init(void *shared, const struct cl_sync_setup *setup)
{
	struct slots *s = shared;

	if (setup->params[P_PADDING] % 8)
		return cl_trial_fail(setup->trial, 22, "slots: padding %lld is not a multiple of 8",
				     (long long)setup->params[P_PADDING]);
	s->stride = (uint64_t)setup->params[P_PADDING];
	return 0;
}

static volatile uint64_t *slot_of(struct slots *s, struct mine *m)
{
	if (!m->slot) /* a task's first increment: take the next slot */
		m->slot = (volatile uint64_t *)(s->base + atomic_fetch_add(&s->next, 1) * s->stride);
	return m->slot;
}

static void slots_add(void *shared, void *local, uint64_t *counter, uint64_t n)
{
	volatile uint64_t *slot = slot_of(shared, local);

	(void)counter;
	/* each increment an atomic add to the task's own slot, relaxed: nothing
	 * is ordered, but the core must own the line for every one (a plain
	 * store would wait in the store buffer and the loop would not see the
	 * line move) */
	for (uint64_t i = 0; i < n; i++)
		__atomic_fetch_add((uint64_t *)slot, 1, __ATOMIC_RELAXED);
}

static void slots_flush(void *shared, void *local, uint64_t *counter)
{
	volatile uint64_t *slot = slot_of(shared, local);

	__atomic_fetch_add(counter, *slot, __ATOMIC_SEQ_CST);
	*slot = 0;
}

/* At `conclab check`, before any trial: a padding that is no multiple of 8
 * would misalign the 8-byte counters. */
static int slots_check(const struct cl_check_args *cell, char *err, size_t errlen)
{
	if (cell->params[P_PADDING] % 8 == 0)
		return 0;
	snprintf(err, errlen, "slots.padding = %lld is not a multiple of 8 (8-byte counters)",
		 (long long)cell->params[P_PADDING]);
	return -1;
}

static const struct cl_sync_ops slots_ops = {
	.shared_size = sizeof(struct slots),
	.shared_per_task = MAX_PADDING, /* room for the widest padding */
	.local_size = sizeof(struct mine),
	.init = slots_init,
	.add = slots_add,
	.flush = slots_flush,
};

CL_PLUGIN(.kind = CL_PLUGIN_SYNC,
	  .name = "slots",
	  .version = "1.0",
	  .summary = "per-task counters in one array, `padding` bytes apart: false sharing at 8",
	  .description = "No task reads another's slot, yet packed slots (padding = 8) share cache "
			 "lines, and every increment pulls the line away from the other cores: false "
			 "sharing. Padded to a line (64) or two (128) each core keeps its own, and "
			 "the same code scales.",
	  .params = slots_params,
	  .ops.sync = &slots_ops,
	  .check = slots_check);
