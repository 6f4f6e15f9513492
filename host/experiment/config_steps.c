/* A config's workloads and their steps: every step key is a row of one
 * table (name, where it is stored, range, scale, the ops it applies to,
 * help), from which the steps are read and checked. */
#define _GNU_SOURCE
#include "config_internal.h"

#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OP(op) (1u << CL_OP_##op)
#define AT(field) offsetof(struct cl_step_spec, field)

/* The rows of cl_step_keys, for the rules that name a key. */
enum step_key {
	KEY_MS, KEY_US, KEY_ITERATIONS, KEY_TIMES, KEY_INSIDE, KEY_OUTSIDE, KEY_BYTES, KEY_DELAY_MS,
	KEY_KEEPALIVE, KEY_BLOCK, KEY_FSYNC, KEY_DURATION_MS, KEY_SAMPLE_MS, KEY_READ_PCT, KEY_WITNESS,
};

/* In the order keys are listed in messages, read, checked against the op
 * and recorded in results. */
const struct cl_step_key cl_step_keys[] = {
	/* name, stored at, min, max, scale, default, bool, ops;
	 * the name results record it by (NULL: its own), when; help */
	[KEY_MS] = { "ms", AT(sleep_ns), 0, 3600000, 1000000, 0, false, OP(SLEEP),
		"sleep_ns", CL_RECORD_ALWAYS, "how long the task waits, in milliseconds" },
	[KEY_US] = { "us", AT(sleep_ns), 0, 3600000000LL, 1000, 0, false, OP(SLEEP),
		NULL, CL_RECORD_NEVER, "the same in microseconds (give ms or us)" },
	[KEY_ITERATIONS] = { "iterations", AT(iterations), 0, 1000000000000LL, 1, 0, false, OP(COMPUTE),
		NULL, CL_RECORD_ALWAYS, "steps of the 64-bit LCG, each depending on the last" },
	[KEY_TIMES] = { "times", AT(times), 0, 10000000000LL, 1, 0, false, OP(INCREMENT),
		NULL, CL_RECORD_ALWAYS, "separate updates of the shared counter, each under the sync" },
	[KEY_INSIDE] = { "inside", AT(inside), 0, 1000000000, 1, 0, false, OP(INCREMENT),
		NULL, CL_RECORD_ALWAYS, "compute iterations under the lock, each update" },
	[KEY_OUTSIDE] = { "outside", AT(outside), 0, 1000000000, 1, 0, false, OP(INCREMENT),
		NULL, CL_RECORD_ALWAYS, "compute iterations between two updates" },
	[KEY_BYTES] = { "bytes", AT(bytes), 0, 1 << 30, 1, 0, false, OP(REQUEST) | OP(READ) | OP(WRITE),
		NULL, CL_RECORD_NEVER, "the response body's size (request), the file's (read, write)" },
	[KEY_DELAY_MS] = { "delay_ms", AT(delay_ns), 0, 3600000, 1000000, 0, false, OP(REQUEST),
		NULL, CL_RECORD_NEVER, "the server's wait before it answers" },
	[KEY_KEEPALIVE] = { "keepalive", AT(keepalive), 0, 1, 1, 1, true, OP(REQUEST),
		NULL, CL_RECORD_NEVER, "reuse the task's connection (false: one connection a request)" },
	[KEY_BLOCK] = { "block", AT(block), 1, 16 << 20, 1, 65536, false, OP(READ) | OP(WRITE),
		NULL, CL_RECORD_NEVER, "bytes a system call" },
	[KEY_FSYNC] = { "fsync", AT(fsync), 0, 1, 1, 0, true, OP(WRITE),
		NULL, CL_RECORD_NEVER, "fsync the file before closing it" },
	[KEY_DURATION_MS] = { "duration_ms", AT(duration_ns), 1, 3600000, 1000000, 0, false, OP(INCREMENT),
		"duration_ns", CL_RECORD_TIMED, "run until the trial's window of this length ends (not times)" },
	[KEY_SAMPLE_MS] = { "sample_ms", AT(sample_ns), 1, 3600000, 1000000, 0, false, OP(INCREMENT),
		"sample_ns", CL_RECORD_TIMED, "with duration_ms: record every task's total this often" },
	[KEY_READ_PCT] = { "read_pct", AT(read_pct), 0, 100, 1, 0, false, OP(INCREMENT),
		NULL, CL_RECORD_NONZERO, "this share of the operations only read the counter (read_lock)" },
	[KEY_WITNESS] = { "witness", AT(witness), 0, 1, 1, 0, true, OP(INCREMENT),
		NULL, CL_RECORD_NONZERO, "each holder checks the critical section's two words agree" },
	[KEY_WITNESS + 1] = { 0 },
};

/* The step's setting of a key, or NULL. */
static const config_setting_t *given(const config_setting_t *s, enum step_key k)
{
	return config_setting_get_member(s, cl_step_keys[k].name);
}

/* What an op needs beyond its keys' ranges, checked before they are read:
 * keys it cannot do without, keys it takes one of. 0, or -1 after cfg_fail. */
static int sleep_needs(struct cfg_ctx *c, const config_setting_t *s, const char *what)
{
	if (!given(s, KEY_MS) == !given(s, KEY_US))
		return cfg_fail(c, s, what, "a sleep takes exactly one of ms or us");
	return 0;
}

static int increment_needs(struct cfg_ctx *c, const config_setting_t *s, const char *what)
{
	const config_setting_t *times = given(s, KEY_TIMES), *duration = given(s, KEY_DURATION_MS);
	const config_setting_t *sample = given(s, KEY_SAMPLE_MS);

	if (!times && !duration)
		return cfg_fail(c, s, what, "increment needs times (a count) or duration_ms (a time)");
	if (times && duration)
		return cfg_fail(c, duration, what, "give times (every task does that many) or duration_ms "
				"(every task runs until the window ends), not both");
	if (sample && !duration)
		return cfg_fail(c, sample, what, "sample_ms samples a duration_ms step; a counted step has "
				"no window");
	return 0;
}

static const struct step_op {
	enum cl_op  op;
	int         needs;     /* a key it cannot do without; -1: none */
	const char *needs_why; /* what that key is, for the message */
	int (*check)(struct cfg_ctx *c, const config_setting_t *s, const char *what);
} step_ops[] = {
	{ CL_OP_SLEEP, -1, NULL, sleep_needs },
	{ CL_OP_COMPUTE, KEY_ITERATIONS, "", NULL },
	{ CL_OP_INCREMENT, -1, NULL, increment_needs },
	{ CL_OP_REQUEST, KEY_BYTES, " (the response body's size)", NULL },
	{ CL_OP_READ, KEY_BYTES, " (the file's size)", NULL },
	{ CL_OP_WRITE, KEY_BYTES, " (the file's size)", NULL },
};

static const struct step_op *find_op(const char *name)
{
	for (size_t i = 0; i < sizeof step_ops / sizeof *step_ops; i++)
		if (!strcmp(clw_op_name(step_ops[i].op), name))
			return &step_ops[i];
	return NULL;
}

/* The keys a distribution may stand for: numbers of a step's work. */
static bool drawable(const struct cl_step_key *k)
{
	return k - cl_step_keys <= KEY_DELAY_MS && k - cl_step_keys != KEY_KEEPALIVE;
}

/* Step `at` of the list being read (its place in `prefix`.steps), stored as
 * the workload's step `id`. */
static int read_step(struct cfg_ctx *c, const config_setting_t *s, const char *prefix, int at, int id)
{
	static const char *names[sizeof cl_step_keys / sizeof *cl_step_keys + 1] = { "op" };
	struct cl_step_spec *st = &c->def->w.steps[id];
	const struct step_op *op;
	char what[64], sub[96];
	const char *name;

	for (size_t k = 0; cl_step_keys[k].name; k++)
		names[k + 1] = cl_step_keys[k].name;
	snprintf(what, sizeof what, "%s.steps[%d]", prefix, at);
	st->line = config_setting_source_line(s);
	st->id = id;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return cfg_fail(c, s, what, "each step must be a group like { op = \"sleep\"; ms = 10; }");
	if (cfg_only_members(c, s, what, names))
		return -1;
	if (!config_setting_lookup_string(s, "op", &name))
		return cfg_fail(c, s, what, "missing op (\"sleep\", \"compute\", \"increment\", \"request\", "
				"\"read\" or \"write\")");
	if (!(op = find_op(name)))
		return cfg_fail(c, config_setting_get_member(s, "op"), what,
				"unknown op \"%s\" (expected \"sleep\", \"compute\", \"increment\", "
				"\"request\", \"read\" or \"write\")", name);
	st->op = op->op;
	if (op->needs >= 0 && !given(s, op->needs))
		return cfg_fail(c, s, what, "%s needs %s%s", name, cl_step_keys[op->needs].name,
				op->needs_why);
	if (op->check && op->check(c, s, what))
		return -1;
	for (const struct cl_step_key *k = cl_step_keys; k->name; k++) {
		int64_t *field = (int64_t *)((char *)st + k->offset);

		if (!(k->ops & 1u << st->op))
			continue;
		if (!config_setting_get_member(s, k->name)) {
			if (k->def)
				*field = k->def;
			continue;
		}
		snprintf(sub, sizeof sub, "%s.%s", what, k->name);
		if (drawable(k) && config_setting_type(config_setting_get_member(s, k->name)) ==
					   CONFIG_TYPE_GROUP) {
			if (cfg_read_dist(c, config_setting_get_member(s, k->name), k, sub, id, field))
				return -1;
			continue;
		}
		if (cfg_workload_setting(c, s, k->name, sub, k->min, k->max, k->scale, k->is_bool, field))
			return -1;
	}
	/* A key that belongs to another op is a mistake, not something to ignore. */
	for (const struct cl_step_key *k = cl_step_keys; k->name; k++)
		if (!(k->ops & 1u << st->op) && config_setting_get_member(s, k->name))
			return cfg_fail(c, config_setting_get_member(s, k->name), what,
					"'%s' does not apply to op \"%s\"", k->name, name);
	return 0;
}

void cl_print_step_keys(FILE *out)
{
	fputs("A workload's steps: ( { op = \"OP\"; KEY = VALUE; ... }, ... ), OP one of sleep,\n"
	      "compute, increment, request, read, write. A number may be an array [ ... ]: the\n"
	      "matrix sweeps it. ms, us, iterations, times, inside, outside, bytes and delay_ms\n"
	      "may be a distribution drawn per task: { dist = \"uniform\"; min = 1; max = 9; },\n"
	      "{ dist = \"exponential\"; mean = 5; }, { dist = \"lognormal\"; median = 50;\n"
	      "sigma = 1.0; }, { dist = \"pareto\"; min = 2048; alpha = 1.5; }. The keys:\n\n", out);
	for (const struct cl_step_key *k = cl_step_keys; k->name; k++) {
		size_t said = 0;

		fprintf(out, "  %-12s", k->name);
		for (int op = CL_OP_SLEEP; op <= CL_OP_WRITE; op++)
			if (k->ops & 1u << op)
				fprintf(out, "%s%s", said++ ? ", " : "", clw_op_name(op));
		if (k->is_bool)
			fprintf(out, "; true or false%s\n", k->def ? ", default true" : "");
		else if (k->def)
			fprintf(out, "; %lld to %lld, default %lld\n", (long long)k->min, (long long)k->max,
				(long long)(k->def / k->scale));
		else
			fprintf(out, "; %lld to %lld\n", (long long)k->min, (long long)k->max);
		fprintf(out, "%14s%s\n", "", k->help);
	}
}

/* Which of the experiment's plugins a named workload is crossed with: all,
 * or the subset its own `strategies` / `syncs` list names. */
static int read_subset(struct cfg_ctx *c, const config_setting_t *w, const char *key, const char *what,
		       const struct cl_plugin_use *uses, size_t n, uint32_t *mask)
{
	const config_setting_t *list = config_setting_get_member(w, key);

	*mask = n >= 32 ? 0xffffffffu : (1u << n) - 1;
	if (!list)
		return 0;
	if (config_setting_type(list) != CONFIG_TYPE_LIST && config_setting_type(list) != CONFIG_TYPE_ARRAY)
		return cfg_fail(c, list, what, "must be a list of plugin names");
	*mask = 0;
	for (int i = 0; i < config_setting_length(list); i++) {
		const char *name = config_setting_get_string(config_setting_get_elem(list, (unsigned)i));
		size_t k = 0;

		while (name && k < n && strcmp(uses[k].plugin->desc->name, name))
			k++;
		if (!name || k == n)
			return cfg_fail(c, list, what, "'%s' is not in the experiment's top-level %s",
				    name ? name : "(not a string)", key);
		*mask |= 1u << k;
	}
	if (!*mask)
		return cfg_fail(c, list, what, "an empty list: the workload would have no cells");
	return 0;
}

/* Is this number of the workload being read swept? */
static bool workload_swept(struct cfg_ctx *c, const int64_t *field)
{
	size_t wl = (size_t)(c->def - c->x->workloads);
	size_t offset = (size_t)((const char *)field - (const char *)&c->def->w);

	for (size_t k = 0; k < c->x->nknobs; k++)
		if (!c->x->knobs[k].plugin && c->x->knobs[k].workload == wl &&
		    c->x->knobs[k].offset == offset)
			return true;
	return false;
}

/* A duration step opens one window for the whole trial: there can be one,
 * run once, and its samples must fit. */
static int check_duration(struct cfg_ctx *c, const config_setting_t *w, const char *prefix)
{
	const struct cl_workload *wl = &c->def->w;
	const struct cl_step_spec *timed = NULL;
	char what[96];

	for (int64_t i = 0; i < wl->nsteps; i++) {
		const struct cl_step_spec *s = &wl->steps[i];

		if (s->op != CL_OP_INCREMENT || !s->duration_ns)
			continue;
		snprintf(what, sizeof what, "%s.steps[%lld].duration_ms", prefix, (long long)i);
		if (timed)
			return cfg_fail(c, w, what, "a second duration step (line %d; the first is on line %d): "
				    "a trial has one window", s->line, timed->line);
		timed = s;
		/* a sweep is checked at its first values; a trial keeps at most
		 * CL_MAX_SAMPLES samples whatever it sweeps to */
		if (s->sample_ns && s->duration_ns / s->sample_ns > CL_MAX_SAMPLES)
			return cfg_fail(c, w, what, "%lld samples (duration_ms / sample_ms); at most %d",
				    (long long)(s->duration_ns / s->sample_ns), CL_MAX_SAMPLES);
	}
	if (timed && timed->duration_ns / 1000000 >= c->x->timeout_ms) {
		snprintf(what, sizeof what, "%s.steps[%lld].duration_ms", prefix,
			 (long long)(timed - wl->steps));
		return cfg_fail(c, w, what, "%lld ms, not shorter than the trial's timeout (%.3f s): every "
			    "trial would hang", (long long)(timed->duration_ns / 1000000),
			    (double)c->x->timeout_ms / 1000);
	}
	if (timed && (wl->loop != 1 || workload_swept(c, &wl->loop))) {
		snprintf(what, sizeof what, "%s.loop", prefix);
		return cfg_fail(c, config_setting_get_member(w, "loop"), what,
			    "a workload with a duration step (line %d) runs its steps once: loop must be 1",
			    timed->line);
	}
	return 0;
}

/* A list of steps, `what` in messages, stored from the workload's step
 * `first` on (`prefix` names the list's place for each step's messages). */
static int read_steps(struct cfg_ctx *c, const config_setting_t *steps, const char *what,
		      const char *prefix, int first)
{
	struct cl_workload *wl = &c->def->w;
	int n;

	if (config_setting_type(steps) != CONFIG_TYPE_LIST)
		return cfg_fail(c, steps, what, "must be a list ( { ... }, { ... } ), got %s",
			    cfg_type_name(config_setting_type(steps)));
	n = config_setting_length(steps);
	if (first && (n == 0 || first + n > CL_MAX_STEPS))
		return cfg_fail(c, steps, what, "%d steps: with the %d of the classes before it, more than a "
			    "workload's %d (or none)", n, first, CL_MAX_STEPS);
	if (n == 0 || n > CL_MAX_STEPS)
		return cfg_fail(c, steps, what, "needs between 1 and %d steps, got %d", CL_MAX_STEPS, n);
	wl->nsteps = first + n;
	for (int i = 0; i < n; i++)
		if (read_step(c, config_setting_get_elem(steps, (unsigned)i), prefix, i, first + i))
			return -1;
	return 0;
}

/* classes = ( { name = "..."; weight = N; steps = ( ... ); }, ... ): each
 * class's steps follow the last class's in the workload's list. */
static int read_classes(struct cfg_ctx *c, const config_setting_t *list, const char *prefix)
{
	static const char *const keys[] = { "name", "weight", "steps", NULL };
	struct cl_workload *wl = &c->def->w;
	char what[96], sub[128];
	int n;

	snprintf(what, sizeof what, "%s.classes", prefix);
	if (config_setting_type(list) != CONFIG_TYPE_LIST || (n = config_setting_length(list)) < 1 ||
	    n > CLW_MAX_CLASSES)
		return cfg_fail(c, list, what, "must be a list of 1 to %d groups { name = \"...\"; weight = "
			    "N; steps = ( ... ); }", CLW_MAX_CLASSES);
	wl->nsteps = 0;
	for (int k = 0; k < n; k++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)k), *weight;
		struct clw_class *cl = &wl->classes[k];
		const char *name;

		snprintf(what, sizeof what, "%s.classes[%d]", prefix, k);
		if (config_setting_type(g) != CONFIG_TYPE_GROUP)
			return cfg_fail(c, g, what, "must be a group { name = ...; weight = ...; steps = ...; }");
		if (cfg_only_members(c, g, what, keys))
			return -1;
		if (!config_setting_lookup_string(g, "name", &name) || !*name || !cfg_printable_name(name) ||
		    strlen(name) >= sizeof cl->name)
			return cfg_fail(c, g, what, "needs a name of 1 to %zu printable characters",
				    sizeof cl->name - 1);
		for (int j = 0; j < k; j++)
			if (!strcmp(wl->classes[j].name, name))
				return cfg_fail(c, config_setting_get_member(g, "name"), what,
					    "two classes are named \"%s\"", name);
		snprintf(cl->name, sizeof cl->name, "%s", name);
		weight = config_setting_get_member(g, "weight");
		if (!weight || !cfg_is_int(weight) || config_setting_get_int64(weight) < 1 ||
		    config_setting_get_int64(weight) > 1000000)
			return cfg_fail(c, weight ? weight : g, what, "needs weight, a whole number from 1 to "
				    "1000000: its share of the tasks is its weight over the sum");
		cl->weight = config_setting_get_int64(weight);
		cl->first = wl->nsteps;
		snprintf(sub, sizeof sub, "%s.steps", what);
		if (!config_setting_get_member(g, "steps"))
			return cfg_fail(c, g, sub, "missing: the class's steps ( { op = ...; }, ... )");
		if (read_steps(c, config_setting_get_member(g, "steps"), sub, what, (int)cl->first))
			return -1;
		cl->nsteps = wl->nsteps - cl->first;
	}
	wl->nclasses = n;
	return 0;
}

/* What draws, classes and arrivals cannot be combined with: a duration
 * step (one window for every task's same steps). Arrivals must fit the
 * trial. */
static int check_draws(struct cfg_ctx *c, const config_setting_t *w, const char *prefix)
{
	const struct cl_workload *wl = &c->def->w;
	const struct cl_step_spec *timed = clw_duration_step(wl);
	char what[96];

	snprintf(what, sizeof what, "%s", prefix);
	if (timed && (wl->ndraws || wl->nclasses || wl->arrival_process))
		return cfg_fail(c, w, what, "a duration step (line %d) runs one window for every task's same "
			    "steps: it cannot have %s", timed->line,
			    wl->ndraws ? "drawn settings" : wl->nclasses ? "classes" : "arrivals");
	/* the last task's arrival in this schedule (a Poisson one's own, not
	 * the rate's mean), at the first values of any sweep */
	if (wl->arrival_process && wl->tasks > 1) {
		double last_s = (double)clw_arrival_last(wl) / 1e9;

		if (last_s * 1000 >= (double)c->x->timeout_ms) {
			snprintf(what, sizeof what, "%s.arrival.rate", prefix);
			return cfg_fail(c, config_setting_get_member(w, "arrival"), what, "%lld tasks at %lld a "
				    "second: the last arrives %.3f s after the start, not within the trial's "
				    "timeout (%.3f s): every trial would hang", (long long)wl->tasks,
				    (long long)wl->arrival_rate, last_s, (double)c->x->timeout_ms / 1000);
		}
	}
	return 0;
}

static int read_one_workload(struct cfg_ctx *c, const config_setting_t *w, const char *prefix, int named)
{
	static const char *const keys[] = { "tasks", "loop", "steps", "classes", "seed", "arrival", NULL };
	static const char *const named_keys[] = { "name", "tasks", "loop", "steps", "classes", "seed",
						  "arrival", "strategies", "syncs", "baseline", NULL };
	struct cl_workload *wl = &c->def->w;
	const config_setting_t *steps;
	char what[96];

	c->def->line = config_setting_source_line(w);
	if (config_setting_type(w) != CONFIG_TYPE_GROUP)
		return cfg_fail(c, w, prefix, "must be a group { }");
	if (cfg_only_members(c, w, prefix, named ? named_keys : keys))
		return -1;
	if (named) {
		const char *name;

		if (!config_setting_lookup_string(w, "name", &name) || !*name)
			return cfg_fail(c, w, prefix, "each of several workloads needs a name = \"...\";");
		if (!cfg_printable_name(name))
			return cfg_fail(c, config_setting_get_member(w, "name"), prefix,
				    "a name of printable characters: no control characters (ESC, BEL...)");
		for (struct cl_workload_def *d = c->x->workloads; d < c->def; d++)
			if (!strcmp(d->name, name))
				return cfg_fail(c, config_setting_get_member(w, "name"), prefix,
					    "two workloads are named \"%s\"", name);
		if (strlen(name) >= sizeof c->def->name)
			return cfg_fail(c, config_setting_get_member(w, "name"), prefix,
				    "a name of at most %zu characters", sizeof c->def->name - 1);
		snprintf(c->def->name, sizeof c->def->name, "%s", name);
		/* its own, where its strategies are not the others' (py-serial
		 * for the Python cells of seed-table.cfg) */
		const config_setting_t *base = config_setting_get_member(w, "baseline");

		if (base) {
			const char *str = config_setting_get_string(base);

			snprintf(what, sizeof what, "%s.baseline", prefix);
			if (!str || !*str)
				return cfg_fail(c, base, what, "must name a cell, e.g. baseline = \"serial\";");
			if (!cfg_printable_name(str) || strlen(str) >= sizeof c->def->baseline)
				return cfg_fail(c, base, what, "at most %zu printable characters",
						sizeof c->def->baseline - 1);
			snprintf(c->def->baseline, sizeof c->def->baseline, "%s", str);
			c->def->baseline_line = config_setting_source_line(base);
		}
	}
	snprintf(what, sizeof what, "%s.strategies", prefix);
	if (read_subset(c, w, "strategies", what, c->x->strategies, c->x->nstrategies, &c->def->strategies))
		return -1;
	snprintf(what, sizeof what, "%s.syncs", prefix);
	if (read_subset(c, w, "syncs", what, c->x->syncs, c->x->nsyncs, &c->def->syncs))
		return -1;
	wl->tasks = 1;
	wl->loop = 1;
	snprintf(what, sizeof what, "%s.tasks", prefix);
	if (!config_setting_get_member(w, "tasks"))
		return cfg_fail(c, w, what, "missing: how many tasks run the steps");
	if (cfg_workload_number(c, w, "tasks", named ? what : "tasks", 1, CL_MAX_TASKS, 1, &wl->tasks) ||
	    (snprintf(what, sizeof what, "%s.loop", prefix),
	     cfg_workload_number(c, w, "loop", named ? what : "loop", 1, 1000000000, 1, &wl->loop)))
		return -1;
	steps = config_setting_get_member(w, "steps");
	if (config_setting_get_member(w, "classes")) {
		if (steps)
			return cfg_fail(c, steps, prefix, "give steps (every task runs them) or classes (each "
				    "task runs one class's), not both");
		if (read_classes(c, config_setting_get_member(w, "classes"), prefix))
			return -1;
	} else {
		snprintf(what, sizeof what, "%s.steps", prefix);
		if (!steps)
			return cfg_fail(c, w, what, "missing: a list of steps ( { op = ...; }, ... )");
		if (read_steps(c, steps, what, prefix, 0))
			return -1;
	}
	{
		const config_setting_t *seed = config_setting_get_member(w, "seed");

		/* the same draws in every cell and trial unless a config says
		 * otherwise: the comparison is of models, not of luck */
		wl->seed = 1;
		snprintf(what, sizeof what, "%s.seed", prefix);
		if (seed && (!cfg_is_int(seed) || config_setting_get_int64(seed) < 0))
			return cfg_fail(c, seed, what, "a whole number, 0 or more");
		if (seed)
			wl->seed = (uint64_t)config_setting_get_int64(seed);
	}
	if (cfg_read_arrival(c, w, prefix) || check_draws(c, w, prefix))
		return -1;
	return check_duration(c, w, prefix);
}

int cfg_read_workloads(struct cfg_ctx *c, const config_setting_t *root)
{
	const config_setting_t *one = config_setting_get_member(root, "workload");
	const config_setting_t *list = config_setting_get_member(root, "workloads");
	struct cl_experiment *x = c->x;

	if (one && list)
		return cfg_fail(c, list, "workloads", "give either workload or workloads, not both");
	if (one) {
		c->def = &x->workloads[x->nworkloads++];
		return read_one_workload(c, one, "workload", 0);
	}
	if (!list)
		return cfg_fail(c, root, "workload", "missing: say what each task does, e.g. "
			    "workload = { tasks = 2; steps = ( { op = \"sleep\"; ms = 100; } ); };");
	if (config_setting_type(list) != CONFIG_TYPE_LIST || config_setting_length(list) == 0 ||
	    config_setting_length(list) > CL_MAX_WORKLOADS)
		return cfg_fail(c, list, "workloads", "must be a list of 1 to %d named workload groups",
			    CL_MAX_WORKLOADS);
	for (int i = 0; i < config_setting_length(list); i++) {
		char prefix[32];

		snprintf(prefix, sizeof prefix, "workloads[%d]", i);
		c->def = &x->workloads[x->nworkloads++];
		if (read_one_workload(c, config_setting_get_elem(list, (unsigned)i), prefix, 1))
			return -1;
	}
	return 0;
}
