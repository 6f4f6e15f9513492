/* What is drawn per task: a setting's value from its distribution, the
 * task's class, its arrival time. Every draw is a pure function of the
 * workload's seed, the task and the step, so the runtime (which runs the
 * values) and the host (which checks every checksum, count and byte they
 * make, and summarises what was drawn) agree without passing a value, and
 * every cell and trial of a workload runs the same draws. Inverse
 * transforms by hand: five one-line formulas, where a library would add a
 * generator whose stream the host and the trial would have to share. */
#include "workload.h"

#include <math.h>
#include <string.h>

/* What a hash is asked for: a setting's draw (its offset), the class, the
 * gap before an arrival. */
#define PURPOSE_CLASS   0x7001u
#define PURPOSE_ARRIVAL 0x7002u

static uint64_t mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL; /* splitmix64 */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A uniform number in (0, 1), never either end, for task, step, purpose
 * and which of a draw's uniforms. */
static double uniform(uint64_t seed, uint32_t task, uint32_t step, uint32_t purpose, uint32_t which)
{
	uint64_t z = mix(mix(seed ^ ((uint64_t)task << 20)) ^ ((uint64_t)step << 40) ^
			 ((uint64_t)purpose << 8) ^ which);

	return ((double)(z >> 11) + 0.5) * (1.0 / 9007199254740992.0); /* 2^-53 */
}

const char *clw_dist_name(int32_t kind)
{
	static const char *const names[] = { NULL, "uniform", "exponential", "lognormal", "pareto" };

	return kind >= CLW_DIST_UNIFORM && kind <= CLW_DIST_PARETO ? names[kind] : NULL;
}

const char *clw_dist_param(int32_t kind, int which)
{
	static const char *const params[][2] = {
		{ NULL, NULL }, { "min", "max" }, { "mean", NULL }, { "median", "sigma" }, { "min", "alpha" },
	};

	return clw_dist_name(kind) && (which == 0 || which == 1) ? params[kind][which] : NULL;
}

int32_t clw_dist_kind(const char *name)
{
	for (int32_t k = CLW_DIST_UNIFORM; k <= CLW_DIST_PARETO; k++)
		if (name && !strcmp(clw_dist_name(k), name))
			return k;
	return 0;
}

double clw_dist_real(const struct clw_draw *d, uint64_t seed, uint32_t task)
{
	double u = uniform(seed, task, (uint32_t)d->step, (uint32_t)d->offset, 0);

	switch (d->kind) {
	case CLW_DIST_UNIFORM: /* each integer of [a, b] alike */
		return d->a + floor(u * (d->b - d->a + 1));
	case CLW_DIST_EXPONENTIAL:
		return -d->a * log1p(-u);
	case CLW_DIST_LOGNORMAL: { /* Box-Muller: a standard normal from two uniforms */
		double v = uniform(seed, task, (uint32_t)d->step, (uint32_t)d->offset, 1);

		return d->a * exp(d->b * sqrt(-2 * log(u)) * cos(2 * M_PI * v));
	}
	case CLW_DIST_PARETO:
		return d->a * pow(1 - u, -1 / d->b);
	}
	return 0;
}

int64_t clw_dist_value(const struct clw_draw *d, uint64_t seed, uint32_t task)
{
	double x = clw_dist_real(d, seed, task);

	if (!(x >= (double)d->lo)) /* NaN too */
		return d->lo;
	if (x >= (double)d->hi)
		return d->hi;
	return llround(x);
}

unsigned clw_task_class(const struct cl_workload *w, uint32_t task)
{
	int64_t total = 0, at;

	if (w->nclasses <= 1)
		return 0;
	for (int64_t k = 0; k < w->nclasses; k++)
		total += w->classes[k].weight;
	at = (int64_t)(uniform(w->seed, task, 0, PURPOSE_CLASS, 0) * (double)total);
	for (int64_t k = 0; k < w->nclasses; k++)
		if ((at -= w->classes[k].weight) < 0)
			return (unsigned)k;
	return (unsigned)(w->nclasses - 1);
}

int64_t clw_task_nsteps(const struct cl_workload *w, uint32_t task)
{
	return w->nclasses ? w->classes[clw_task_class(w, task)].nsteps : w->nsteps;
}

void clw_task_step(const struct cl_workload *w, uint32_t task, int64_t pos, struct cl_step_spec *out)
{
	int64_t id = (w->nclasses ? w->classes[clw_task_class(w, task)].first : 0) + pos;

	*out = w->steps[id];
	out->id = (int)id;
	for (int64_t k = 0; k < w->ndraws; k++)
		if (w->draws[k].step == id)
			*(int64_t *)((char *)out + w->draws[k].offset) = clw_dist_value(&w->draws[k], w->seed, task);
}

/* The gap after task i's arrival, ns: the rate's mean, or (Poisson) an
 * exponential draw of it. */
static double arrival_gap(const struct cl_workload *w, int64_t i)
{
	double gap = w->arrival_rate > 0 ? 1e9 / (double)w->arrival_rate : 0;

	return w->arrival_process == CLW_ARRIVAL_POISSON
		       ? -gap * log1p(-uniform(w->seed, (uint32_t)i, 0, PURPOSE_ARRIVAL, 0))
		       : gap;
}

void clw_arrival_offsets(const struct cl_workload *w, int64_t *offsets)
{
	double at = 0;

	for (int64_t i = 0; i < w->tasks; i++) {
		offsets[i] = llround(at);
		at += arrival_gap(w, i);
	}
}

int64_t clw_arrival_last(const struct cl_workload *w)
{
	double at = 0;

	/* the same sum as clw_arrival_offsets, kept nowhere */
	for (int64_t i = 0; i + 1 < w->tasks; i++)
		at += arrival_gap(w, i);
	return llround(at);
}

uint64_t clw_task_counted_ops(const struct cl_workload *w, uint32_t task)
{
	uint64_t per_loop = 0;
	struct cl_step_spec s;

	for (int64_t i = 0; i < clw_task_nsteps(w, task); i++) {
		clw_task_step(w, task, i, &s);
		if (s.op == CL_OP_INCREMENT && !s.duration_ns)
			per_loop += (uint64_t)s.times;
	}
	return per_loop * (uint64_t)w->loop;
}

int64_t clw_task_min_ns(const struct cl_workload *w, uint32_t task)
{
	int64_t per_loop = 0;
	struct cl_step_spec s;

	for (int64_t i = 0; i < clw_task_nsteps(w, task); i++) {
		clw_task_step(w, task, i, &s);
		if (s.op == CL_OP_SLEEP)
			per_loop += s.sleep_ns;
		else if (s.op == CL_OP_REQUEST)
			per_loop += s.delay_ns;
	}
	return per_loop * w->loop;
}
