/* What a correct trial of a workload shows: each task's checksum, the
 * counter, the least time a task can take. The host judges by these; the
 * runtime's tasks compute the same seeds as they run. */
#include "workload.h"

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
	uint64_t per_loop = 0;

	for (int64_t i = 0; i < w->nsteps; i++)
		if (w->steps[i].op == CL_OP_INCREMENT && !w->steps[i].duration_ns)
			per_loop += (uint64_t)w->steps[i].times;
	return per_loop * (uint64_t)w->loop;
}

uint64_t clw_expected_checksum(const struct cl_workload *w, uint32_t index, uint64_t ops)
{
	uint64_t per_loop = 0;
	/* a duration step runs once (loop is 1): what the task did beyond its
	 * counted steps is that step's */
	uint64_t timed = ops - clw_counted_ops(w);

	for (unsigned i = 0; i < w->nsteps; i++) {
		const struct cl_step_spec *s = &w->steps[i];
		uint64_t n = s->duration_ns ? timed : (uint64_t)s->times;

		if (s->op == CL_OP_COMPUTE)
			per_loop += clw_lcg_jump(clw_task_seed(index, i, 0), (uint64_t)s->iterations);
		else if (s->op == CL_OP_INCREMENT)
			per_loop += clw_lcg_jump(clw_task_seed(index, i, 1), n * (uint64_t)s->inside) +
				    clw_lcg_jump(clw_task_seed(index, i, 2), n * (uint64_t)s->outside);
		else if ((s->op == CL_OP_REQUEST && !w->target_host[0]) || s->op == CL_OP_READ ||
			 s->op == CL_OP_WRITE)
			per_loop += clw_io_body_sum(clw_io_seed(index, i), (uint64_t)s->bytes);
	}
	return per_loop * (uint64_t)w->loop;
}

uint64_t clw_expected_counter(const struct cl_workload *w, const uint64_t *ops)
{
	uint64_t per_task = 0, total, counted = clw_counted_ops(w);
	const struct cl_step_spec *timed = clw_duration_step(w);

	for (unsigned i = 0; i < w->nsteps; i++)
		if (w->steps[i].op == CL_OP_INCREMENT && !w->steps[i].duration_ns)
			per_task += clw_writes_of((uint64_t)w->steps[i].times, w->steps[i].read_pct);
	total = per_task * (uint64_t)w->loop * (uint64_t)w->tasks;
	if (timed && ops)
		for (int64_t i = 0; i < w->tasks; i++)
			total += clw_writes_of(ops[i] - counted, timed->read_pct);
	return total;
}

int64_t clw_min_task_ns(const struct cl_workload *w)
{
	int64_t per_loop = 0;

	for (unsigned i = 0; i < w->nsteps; i++)
		if (w->steps[i].op == CL_OP_SLEEP)
			per_loop += w->steps[i].sleep_ns;
		else if (w->steps[i].op == CL_OP_REQUEST)
			per_loop += w->steps[i].delay_ns;
	return per_loop * w->loop;
}
