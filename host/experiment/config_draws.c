/* What a workload draws per task: a step setting written as a distribution
 * (ms = { dist = "exponential"; mean = 5; }), the seed of every draw, and
 * open-loop arrivals (arrival = { rate = 500; process = "poisson"; }). The
 * draws themselves are host/workload/draw.c's. */
#define _GNU_SOURCE
#include "config_internal.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* A number, integer or not, of group g; false when it is missing or not one. */
static bool real_member(const config_setting_t *g, const char *name, double *out)
{
	const config_setting_t *s = name ? config_setting_get_member(g, name) : NULL;

	if (!s)
		return false;
	if (config_setting_type(s) == CONFIG_TYPE_FLOAT)
		*out = config_setting_get_float(s);
	else if (cfg_is_int(s))
		*out = (double)config_setting_get_int64(s);
	else
		return false;
	return isfinite(*out);
}

int cfg_read_dist(struct cfg_ctx *c, const config_setting_t *g, const struct cl_step_key *k,
		  const char *what, int step, int64_t *field)
{
	struct cl_workload *w = &c->def->w;
	const char *name = NULL;
	double a, b = 0, lo = (double)k->min, hi = (double)k->max;

	if (!config_setting_lookup_string(g, "dist", &name))
		return cfg_fail(c, g, what, "a distribution needs dist = \"uniform\", \"exponential\", "
				"\"lognormal\" or \"pareto\"");
	/* its parameters' names, in configs as in results: the workload's */
	int32_t kind = clw_dist_kind(name);
	const char *pa = clw_dist_param(kind, 0), *pb = clw_dist_param(kind, 1); /* pb NULL: one */

	if (!kind)
		return cfg_fail(c, config_setting_get_member(g, "dist"), what, "unknown dist \"%s\" "
				"(uniform, exponential, lognormal or pareto)", name);
	const char *allowed[] = { "dist", pa, pb, NULL };

	if (cfg_only_members(c, g, what, allowed))
		return -1;
	if (!real_member(g, pa, &a) || (pb && !real_member(g, pb, &b)))
		return cfg_fail(c, g, what, "%s takes %s%s%s, numbers", name, pa, pb ? " and " : "",
				pb ? pb : "");
	/* the setting's own range, in its config unit */
	if (a < lo || a > hi || (kind == CLW_DIST_UNIFORM && (b < a || b > hi)))
		return cfg_fail(c, g, what, "%s's %s must lie in %lld to %lld%s", name, pa,
				(long long)k->min, (long long)k->max,
				kind == CLW_DIST_UNIFORM ? ", and max not below min" : "");
	if (kind == CLW_DIST_UNIFORM && (a != floor(a) || b != floor(b)))
		return cfg_fail(c, g, what, "uniform's min and max are whole numbers: it draws integers");
	if ((kind == CLW_DIST_EXPONENTIAL || kind == CLW_DIST_LOGNORMAL ||
	     kind == CLW_DIST_PARETO) && !(a > 0))
		return cfg_fail(c, g, what, "%s's %s must be above 0", name, pa);
	if (kind == CLW_DIST_LOGNORMAL && !(b > 0 && b <= 5))
		return cfg_fail(c, g, what, "lognormal's sigma must be above 0 and at most 5");
	if (kind == CLW_DIST_PARETO && !(b > 0 && b <= 100))
		return cfg_fail(c, g, what, "pareto's alpha must be above 0 and at most 100");
	if (w->ndraws == CLW_MAX_DRAWS)
		return cfg_fail(c, g, what, "more than %d drawn settings in one workload", CLW_MAX_DRAWS);
	struct clw_draw *d = &w->draws[w->ndraws++];

	*d = (struct clw_draw){
		.step = step, .offset = (int32_t)k->offset, .kind = kind,
		.line = config_setting_source_line(g),
		/* the stored unit (ns for ms and us), as a fixed value's; sigma
		 * and alpha are shapes, without one */
		.a = a * (double)k->scale,
		.b = kind == CLW_DIST_UNIFORM ? b * (double)k->scale : b,
		.lo = k->min * k->scale, .hi = k->max * k->scale, .scale = k->scale,
	};
	snprintf(d->key, sizeof d->key, "%s", k->name);
	/* the step's own number: the distribution's typical value, for what
	 * reads a step without drawing (its label, a cell's spec) */
	*field = kind == CLW_DIST_UNIFORM ? llround((d->a + d->b) / 2) : llround(d->a);
	return 0;
}

int cfg_read_arrival(struct cfg_ctx *c, const config_setting_t *w, const char *prefix)
{
	static const char *const keys[] = { "rate", "process", "p99_ms", NULL };
	const config_setting_t *a = config_setting_get_member(w, "arrival");
	struct cl_workload *wl = &c->def->w;
	const char *process = "poisson";
	char what[96];

	if (!a)
		return 0;
	snprintf(what, sizeof what, "%s.arrival", prefix);
	wl->arrival_line = config_setting_source_line(a);
	if (config_setting_type(a) != CONFIG_TYPE_GROUP)
		return cfg_fail(c, a, what, "must be a group { rate = ...; process = \"poisson\"; }");
	if (cfg_only_members(c, a, what, keys))
		return -1;
	if (!config_setting_get_member(a, "rate"))
		return cfg_fail(c, a, what, "needs rate, the tasks a second that arrive");
	const config_setting_t *p = config_setting_get_member(a, "process");

	if (p && (!(process = config_setting_get_string(p)) ||
		  (strcmp(process, "poisson") && strcmp(process, "uniform"))))
		return cfg_fail(c, p, what, "process must be \"poisson\" (exponential gaps) or \"uniform\" "
				"(equal gaps)");
	wl->arrival_process = !strcmp(process, "uniform") ? CLW_ARRIVAL_UNIFORM : CLW_ARRIVAL_POISSON;
	snprintf(what, sizeof what, "%s.arrival.rate", prefix);
	if (cfg_workload_number(c, a, "rate", what, 1, 10000000, 1, &wl->arrival_rate))
		return -1;
	snprintf(what, sizeof what, "%s.arrival.p99_ms", prefix);
	return cfg_workload_number(c, a, "p99_ms", what, 1, 3600000, 1000000, &wl->arrival_p99_ns);
}
