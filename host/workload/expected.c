/* What a correct trial of a workload shows: each task's checksum, the
 * counter, the least time a task can take. The host judges by these; the
 * runtime's tasks compute the same seeds as they run. */
#include "workload.h"

#include <stdbool.h>

const char *clw_op_name(int64_t op)
{
	static const char *const names[] = { "?", "sleep", "compute", "increment", "request", "read",
					     "write" };

	return names[op >= CL_OP_SLEEP && op <= CL_OP_WRITE ? op : 0];
}

uint64_t clw_task_seed(uint32_t index, unsigned step, unsigned purpose)
{
	uint64_t z = ((uint64_t)index << 24) ^ ((uint64_t)step << 4) ^ purpose;

	z += 0x9e3779b97f4a7c15ULL; /* splitmix64 */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

const struct cl_step_spec *clw_duration_step(const struct cl_workload *w)
{
	for (int64_t i = 0; i < w->nsteps; i++)
		if (w->steps[i].op == CL_OP_INCREMENT && w->steps[i].duration_ns)
			return &w->steps[i];
	return NULL;
}

uint64_t clw_writes_of(uint64_t n, int64_t read_pct)
{
	return (uint64_t)((unsigned __int128)n * (uint64_t)(100 - read_pct) / 100);
}

uint64_t clw_counted_ops(const struct cl_workload *w)
{
	return clw_task_counted_ops(w, 0);
}

uint64_t clw_expected_checksum(const struct cl_workload *w, uint32_t index, uint64_t ops)
{
	uint64_t per_loop = 0;
	/* a duration step runs once (loop is 1): what the task did beyond its
	 * counted steps is that step's */
	uint64_t timed = ops - clw_task_counted_ops(w, index);
	struct cl_step_spec st;

	for (int64_t i = 0; i < clw_task_nsteps(w, index); i++) {
		const struct cl_step_spec *s = &st;

		clw_task_step(w, index, i, &st);
		uint64_t n = s->duration_ns ? timed : (uint64_t)s->times;
		unsigned id = (unsigned)s->id;

		if (s->op == CL_OP_COMPUTE)
			per_loop += clw_lcg_jump(clw_task_seed(index, id, 0), (uint64_t)s->iterations);
		else if (s->op == CL_OP_INCREMENT)
			per_loop += clw_lcg_jump(clw_task_seed(index, id, 1), n * (uint64_t)s->inside) +
				    clw_lcg_jump(clw_task_seed(index, id, 2), n * (uint64_t)s->outside);
		else if ((s->op == CL_OP_REQUEST && !w->target_host[0]) || s->op == CL_OP_READ ||
			 s->op == CL_OP_WRITE)
			per_loop += clw_io_body_sum(clw_io_seed(index, id), (uint64_t)s->bytes);
	}
	return per_loop * (uint64_t)w->loop;
}

uint64_t clw_expected_counter(const struct cl_workload *w, const uint64_t *ops)
{
	uint64_t total = 0, counted = clw_counted_ops(w);
	const struct cl_step_spec *timed = clw_duration_step(w);
	struct cl_step_spec s;

	/* draws and classes make each task's steps its own; without them
	 * (every duration workload) one task's count is every task's */
	bool same = !w->ndraws && !w->nclasses;
	uint64_t one = 0;

	for (int64_t t = 0; t < w->tasks; t++) {
		uint64_t per_task = 0;

		if (same && t) {
			total += one;
			continue;
		}
		for (int64_t i = 0; i < clw_task_nsteps(w, (uint32_t)t); i++) {
			clw_task_step(w, (uint32_t)t, i, &s);
			if (s.op == CL_OP_INCREMENT && !s.duration_ns)
				per_task += clw_writes_of((uint64_t)s.times, s.read_pct);
		}
		one = per_task * (uint64_t)w->loop;
		total += one;
	}
	if (timed && ops)
		for (int64_t i = 0; i < w->tasks; i++)
			total += clw_writes_of(ops[i] - counted, timed->read_pct);
	return total;
}
