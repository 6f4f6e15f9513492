/* Reads an experiment file with libconfig and checks every setting, so a
 * mistake is one message naming file, line and setting, before anything runs. */
#define _GNU_SOURCE
#include "config.h"
#include "printable.h"
#include "topology.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE_BYTES (1 << 20)

struct ctx {
	struct cl_experiment *x;
	struct cl_workload_def *def; /* the workload being read */
	struct cl_registry   *reg;
	const char           *path;
	char                 *err;
	size_t                errlen;
};

__attribute__((format(printf, 4, 5)))
static int fail(struct ctx *c, const config_setting_t *s, const char *what, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->err, c->errlen, "%s:%d: %s: ", c->path,
			 s ? config_setting_source_line(s) : 0, what);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < c->errlen)
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* A name that becomes part of cells' labels, shown on terminals and in every
 * report: only text cl_printable keeps as it is (no ESC, BEL, bidi...). */
static bool printable_name(const char *s)
{
	char *shown = cl_printable_str(cl_xstrdup(s), false);
	bool same = !strcmp(shown, s);

	free(shown);
	return same;
}

static const char *type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP:  return "a group { }";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:  return "an integer";
	case CONFIG_TYPE_FLOAT:  return "a number with a fraction";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL:   return "a boolean";
	case CONFIG_TYPE_ARRAY:  return "an array [ ]";
	case CONFIG_TYPE_LIST:   return "a list ( )";
	}
	return "nothing";
}

/* Every member of group `g` must be one of `allowed` (NULL-terminated). */
static int only_members(struct ctx *c, const config_setting_t *g, const char *what,
			const char *const *allowed)
{
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(m);
		size_t k = 0;

		while (allowed[k] && strcmp(allowed[k], name))
			k++;
		if (!allowed[k]) {
			char list[256] = "";

			for (k = 0; allowed[k]; k++)
				snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
					 k ? ", " : "", allowed[k]);
			return fail(c, m, what, "unknown setting '%s' (expected one of: %s)", name, list);
		}
	}
	return 0;
}

static int is_int(const config_setting_t *s)
{
	int t = config_setting_type(s);

	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
}

/* How a number of the config maps to the experiment. */
struct number {
	const char *what;  /* setting path for messages            */
	const char *knob;  /* name of the sweep; NULL: same as what */
	int64_t     min, max;
	int64_t     scale; /* ms -> ns and so on                   */
	int         is_bool;
	const struct cl_loaded_plugin *plugin; /* sweep target: plugin param ... */
	size_t      workload;                  /* ... or a workload's number:      */
	size_t      param;
	ssize_t     offset;                    /* ... or workload offset (>= 0)   */
};

static int one_value(struct ctx *c, const config_setting_t *s, const struct number *n, int64_t *out)
{
	if (n->is_bool) {
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return fail(c, s, n->what, "must be true or false, got %s",
				    type_name(config_setting_type(s)));
		*out = config_setting_get_bool(s);
		return 0;
	}
	if (!is_int(s))
		return fail(c, s, n->what, "must be an integer, got %s", type_name(config_setting_type(s)));
	long long v = config_setting_get_int64(s);

	if (v < n->min || v > n->max)
		return fail(c, s, n->what, "must be between %lld and %lld, got %lld",
			    (long long)n->min, (long long)n->max, v);
	*out = v * n->scale;
	return 0;
}

/* A scalar, or an array of at least two values that the matrix sweeps. */
static int read_number(struct ctx *c, const config_setting_t *s, const struct number *n,
		       int64_t *base)
{
	struct cl_experiment *x = c->x;
	int len;

	if (config_setting_type(s) != CONFIG_TYPE_ARRAY && config_setting_type(s) != CONFIG_TYPE_LIST)
		return one_value(c, s, n, base);
	len = config_setting_length(s);
	if (len == 0)
		return fail(c, s, n->what, "an empty sweep: give at least one value");
	if (len > CL_MAX_CELLS)
		return fail(c, s, n->what, "a sweep of %d values; at most %d cells fit an experiment",
			    len, CL_MAX_CELLS);
	if (len > 1 && x->nknobs == CL_MAX_KNOBS)
		return fail(c, s, n->what, "more than %d swept settings", CL_MAX_KNOBS);

	struct cl_knob *k = &x->knobs[x->nknobs];
	int64_t *values = cl_xcalloc((size_t)len, sizeof *values);
	char **labels = cl_xcalloc((size_t)len, sizeof *labels);

	for (int i = 0; i < len; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (one_value(c, e, n, &values[i])) {
			for (int j = 0; j < i; j++)
				free(labels[j]);
			free(values);
			free(labels);
			return -1;
		}
		if (asprintf(&labels[i], "%lld", (long long)(n->is_bool ? values[i]
								       : values[i] / n->scale)) < 0)
			labels[i] = NULL;
	}
	*base = values[0];
	if (len == 1) {
		free(labels[0]);
		free(values);
		free(labels);
		return 0;
	}
	memset(k, 0, sizeof *k);
	snprintf(k->name, sizeof k->name, "%s", n->knob ? n->knob : n->what);
	k->line = config_setting_source_line(s);
	k->plugin = n->plugin;
	k->workload = n->workload;
	k->param = n->param;
	k->offset = n->offset >= 0 ? (size_t)n->offset : 0;
	k->nvalues = (size_t)len;
	k->values = values;
	k->labels = labels;
	x->nknobs++;
	return 0;
}

/* A number (or, with is_bool, true / false) of the workload being read,
 * sweepable like every other. */
static int workload_setting(struct ctx *c, const config_setting_t *g, const char *key,
			    const char *what, int64_t min, int64_t max, int64_t scale, int is_bool,
			    int64_t *field)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	const char *dot = strchr(what, '.');
	struct number n = { .what = what, .min = min, .max = max, .scale = scale, .is_bool = is_bool,
			    .knob = strncmp(what, "workload", 8) || !dot ? NULL : dot + 1,
			    .workload = (size_t)(c->def - c->x->workloads),
			    .offset = (char *)field - (char *)&c->def->w };

	return s ? read_number(c, s, &n, field) : 0;
}

static int workload_number(struct ctx *c, const config_setting_t *g, const char *key,
			   const char *what, int64_t min, int64_t max, int64_t scale, int64_t *field)
{
	return workload_setting(c, g, key, what, min, max, scale, 0, field);
}

static int read_step(struct ctx *c, const config_setting_t *s, const char *prefix, int i)
{
	static const char *const keys[] = { "op", "ms", "us", "iterations", "times", "inside",
					    "outside", "bytes", "delay_ms", "keepalive", "block", "fsync",
					    "duration_ms", "sample_ms", "read_pct", NULL };
	struct cl_step_spec *st = &c->def->w.steps[i];
	char what[64], sub[96];
	const char *op;

	snprintf(what, sizeof what, "%s.steps[%d]", prefix, i);
	st->line = config_setting_source_line(s);
	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return fail(c, s, what, "each step must be a group like { op = \"sleep\"; ms = 10; }");
	if (only_members(c, s, what, keys))
		return -1;
	if (!config_setting_lookup_string(s, "op", &op))
		return fail(c, s, what, "missing op (\"sleep\", \"compute\", \"increment\", \"request\", "
			    "\"read\" or \"write\")");

#define NUM(key, lo, hi, scale, field) \
	(snprintf(sub, sizeof sub, "%s.%s", what, key), \
	 workload_number(c, s, key, sub, lo, hi, scale, &st->field))
#define BOOL(key, field) \
	(snprintf(sub, sizeof sub, "%s.%s", what, key), \
	 workload_setting(c, s, key, sub, 0, 1, 1, 1, &st->field))

	if (!strcmp(op, "sleep")) {
		const config_setting_t *ms = config_setting_get_member(s, "ms");
		const config_setting_t *us = config_setting_get_member(s, "us");

		st->op = CL_OP_SLEEP;
		if (!!ms == !!us)
			return fail(c, s, what, "a sleep takes exactly one of ms or us");
		if (ms ? NUM("ms", 0, 3600000, 1000000, sleep_ns)
		       : NUM("us", 0, 3600000000LL, 1000, sleep_ns))
			return -1;
	} else if (!strcmp(op, "compute")) {
		st->op = CL_OP_COMPUTE;
		if (!config_setting_get_member(s, "iterations"))
			return fail(c, s, what, "compute needs iterations");
		if (NUM("iterations", 0, 1000000000000LL, 1, iterations))
			return -1;
	} else if (!strcmp(op, "increment")) {
		const config_setting_t *times = config_setting_get_member(s, "times");
		const config_setting_t *duration = config_setting_get_member(s, "duration_ms");

		st->op = CL_OP_INCREMENT;
		if (!times && !duration)
			return fail(c, s, what, "increment needs times (a count) or duration_ms (a time)");
		if (times && duration)
			return fail(c, duration, what, "give times (every task does that many) or duration_ms "
				    "(every task runs until the window ends), not both");
		if (NUM("times", 0, 10000000000LL, 1, times) ||
		    NUM("duration_ms", 1, 3600000, 1000000, duration_ns) ||
		    NUM("sample_ms", 1, 3600000, 1000000, sample_ns) ||
		    NUM("read_pct", 0, 100, 1, read_pct) ||
		    NUM("inside", 0, 1000000000, 1, inside) ||
		    NUM("outside", 0, 1000000000, 1, outside))
			return -1;
		if (st->sample_ns && !duration)
			return fail(c, config_setting_get_member(s, "sample_ms"), what,
				    "sample_ms samples a duration_ms step; a counted step has no window");
	} else if (!strcmp(op, "request")) {
		st->op = CL_OP_REQUEST;
		st->keepalive = 1;
		if (!config_setting_get_member(s, "bytes"))
			return fail(c, s, what, "request needs bytes (the response body's size)");
		if (NUM("bytes", 0, 1 << 30, 1, bytes) || NUM("delay_ms", 0, 3600000, 1000000, delay_ns) ||
		    BOOL("keepalive", keepalive))
			return -1;
	} else if (!strcmp(op, "read") || !strcmp(op, "write")) {
		st->op = op[0] == 'r' ? CL_OP_READ : CL_OP_WRITE;
		st->block = 65536;
		if (!config_setting_get_member(s, "bytes"))
			return fail(c, s, what, "%s needs bytes (the file's size)", op);
		if (NUM("bytes", 0, 1 << 30, 1, bytes) || NUM("block", 1, 16 << 20, 1, block) ||
		    BOOL("fsync", fsync))
			return -1;
	} else {
		return fail(c, config_setting_get_member(s, "op"), what,
			    "unknown op \"%s\" (expected \"sleep\", \"compute\", \"increment\", "
			    "\"request\", \"read\" or \"write\")", op);
	}
#undef NUM
#undef BOOL
	/* A key that belongs to another op is a mistake, not something to ignore. */
	static const char *const per_op[][7] = {
		[CL_OP_SLEEP] = { "ms", "us", NULL },
		[CL_OP_COMPUTE] = { "iterations", NULL },
		[CL_OP_INCREMENT] = { "times", "inside", "outside", "duration_ms", "sample_ms",
				      "read_pct", NULL },
		[CL_OP_REQUEST] = { "bytes", "delay_ms", "keepalive", NULL },
		[CL_OP_READ] = { "bytes", "block", NULL },
		[CL_OP_WRITE] = { "bytes", "block", "fsync", NULL },
	};
	for (int k = 1; keys[k]; k++) {
		int ok = 0;

		for (int j = 0; per_op[st->op][j]; j++)
			ok |= !strcmp(per_op[st->op][j], keys[k]);
		if (!ok && config_setting_get_member(s, keys[k]))
			return fail(c, config_setting_get_member(s, keys[k]), what,
				    "'%s' does not apply to op \"%s\"", keys[k], op);
	}
	return 0;
}

/* Which of the experiment's plugins a named workload is crossed with: all,
 * or the subset its own `strategies` / `syncs` list names. */
static int read_subset(struct ctx *c, const config_setting_t *w, const char *key, const char *what,
		       const struct cl_plugin_use *uses, size_t n, uint32_t *mask)
{
	const config_setting_t *list = config_setting_get_member(w, key);

	*mask = n >= 32 ? 0xffffffffu : (1u << n) - 1;
	if (!list)
		return 0;
	if (config_setting_type(list) != CONFIG_TYPE_LIST && config_setting_type(list) != CONFIG_TYPE_ARRAY)
		return fail(c, list, what, "must be a list of plugin names");
	*mask = 0;
	for (int i = 0; i < config_setting_length(list); i++) {
		const char *name = config_setting_get_string(config_setting_get_elem(list, (unsigned)i));
		size_t k = 0;

		while (name && k < n && strcmp(uses[k].plugin->desc->name, name))
			k++;
		if (!name || k == n)
			return fail(c, list, what, "'%s' is not in the experiment's top-level %s",
				    name ? name : "(not a string)", key);
		*mask |= 1u << k;
	}
	if (!*mask)
		return fail(c, list, what, "an empty list: the workload would have no cells");
	return 0;
}

/* Is this number of the workload being read swept? */
static bool workload_swept(struct ctx *c, const int64_t *field)
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
static int check_duration(struct ctx *c, const config_setting_t *w, const char *prefix)
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
			return fail(c, w, what, "a second duration step (line %d; the first is on line %d): "
				    "a trial has one window", s->line, timed->line);
		timed = s;
		/* a sweep is checked at its first values; a trial keeps at most
		 * CL_MAX_SAMPLES samples whatever it sweeps to */
		if (s->sample_ns && s->duration_ns / s->sample_ns > CL_MAX_SAMPLES)
			return fail(c, w, what, "%lld samples (duration_ms / sample_ms); at most %d",
				    (long long)(s->duration_ns / s->sample_ns), CL_MAX_SAMPLES);
	}
	if (timed && timed->duration_ns / 1000000 >= c->x->timeout_ms) {
		snprintf(what, sizeof what, "%s.steps[%lld].duration_ms", prefix,
			 (long long)(timed - wl->steps));
		return fail(c, w, what, "%lld ms, not shorter than the trial's timeout (%.3f s): every "
			    "trial would hang", (long long)(timed->duration_ns / 1000000),
			    (double)c->x->timeout_ms / 1000);
	}
	if (timed && (wl->loop != 1 || workload_swept(c, &wl->loop))) {
		snprintf(what, sizeof what, "%s.loop", prefix);
		return fail(c, config_setting_get_member(w, "loop"), what,
			    "a workload with a duration step (line %d) runs its steps once: loop must be 1",
			    timed->line);
	}
	return 0;
}

static int read_one_workload(struct ctx *c, const config_setting_t *w, const char *prefix, int named)
{
	static const char *const keys[] = { "tasks", "loop", "steps", NULL };
	static const char *const named_keys[] = { "name", "tasks", "loop", "steps", "strategies",
						  "syncs", NULL };
	struct cl_workload *wl = &c->def->w;
	const config_setting_t *steps;
	char what[96];

	c->def->line = config_setting_source_line(w);
	if (config_setting_type(w) != CONFIG_TYPE_GROUP)
		return fail(c, w, prefix, "must be a group { }");
	if (only_members(c, w, prefix, named ? named_keys : keys))
		return -1;
	if (named) {
		const char *name;

		if (!config_setting_lookup_string(w, "name", &name) || !*name)
			return fail(c, w, prefix, "each of several workloads needs a name = \"...\";");
		if (!printable_name(name))
			return fail(c, config_setting_get_member(w, "name"), prefix,
				    "a name of printable characters: no control characters (ESC, BEL...)");
		for (struct cl_workload_def *d = c->x->workloads; d < c->def; d++)
			if (!strcmp(d->name, name))
				return fail(c, config_setting_get_member(w, "name"), prefix,
					    "two workloads are named \"%s\"", name);
		if (strlen(name) >= sizeof c->def->name)
			return fail(c, config_setting_get_member(w, "name"), prefix,
				    "a name of at most %zu characters", sizeof c->def->name - 1);
		snprintf(c->def->name, sizeof c->def->name, "%s", name);
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
		return fail(c, w, what, "missing: how many tasks run the steps");
	if (workload_number(c, w, "tasks", named ? what : "tasks", 1, CL_MAX_TASKS, 1, &wl->tasks) ||
	    (snprintf(what, sizeof what, "%s.loop", prefix),
	     workload_number(c, w, "loop", named ? what : "loop", 1, 1000000000, 1, &wl->loop)))
		return -1;
	snprintf(what, sizeof what, "%s.steps", prefix);
	steps = config_setting_get_member(w, "steps");
	if (!steps)
		return fail(c, w, what, "missing: a list of steps ( { op = ...; }, ... )");
	if (config_setting_type(steps) != CONFIG_TYPE_LIST)
		return fail(c, steps, what, "must be a list ( { ... }, { ... } ), got %s",
			    type_name(config_setting_type(steps)));
	wl->nsteps = config_setting_length(steps);
	if (wl->nsteps == 0 || wl->nsteps > CL_MAX_STEPS)
		return fail(c, steps, what, "needs between 1 and %d steps, got %lld",
			    CL_MAX_STEPS, (long long)wl->nsteps);
	for (int i = 0; i < wl->nsteps; i++)
		if (read_step(c, config_setting_get_elem(steps, (unsigned)i), prefix, i))
			return -1;
	return check_duration(c, w, prefix);
}

static int read_workloads(struct ctx *c, const config_setting_t *root)
{
	const config_setting_t *one = config_setting_get_member(root, "workload");
	const config_setting_t *list = config_setting_get_member(root, "workloads");
	struct cl_experiment *x = c->x;

	if (one && list)
		return fail(c, list, "workloads", "give either workload or workloads, not both");
	if (one) {
		c->def = &x->workloads[x->nworkloads++];
		return read_one_workload(c, one, "workload", 0);
	}
	if (!list)
		return fail(c, root, "workload", "missing: say what each task does, e.g. "
			    "workload = { tasks = 2; steps = ( { op = \"sleep\"; ms = 100; } ); };");
	if (config_setting_type(list) != CONFIG_TYPE_LIST || config_setting_length(list) == 0 ||
	    config_setting_length(list) > CL_MAX_WORKLOADS)
		return fail(c, list, "workloads", "must be a list of 1 to %d named workload groups",
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

static void set_defaults(struct cl_plugin_use *u)
{
	for (size_t i = 0; i < u->plugin->nparams; i++)
		u->params[i] = u->plugin->desc->params[i].def;
}

static int read_plugins(struct ctx *c, const config_setting_t *root, const char *key,
			enum cl_plugin_kind kind, struct cl_plugin_use *uses, size_t *n)
{
	const config_setting_t *list = config_setting_get_member(root, key);
	char why[2048];

	if (!list)
		return fail(c, root, key, "missing: name at least one %s plugin, e.g. %s = ( \"%s\" );",
			    cl_plugin_kind_name(kind), key, kind == CL_PLUGIN_SYNC ? "none" : "serial");
	if (config_setting_type(list) == CONFIG_TYPE_STRING) {
		/* allow `syncs = "none";` for one plugin */
	} else if (config_setting_type(list) != CONFIG_TYPE_LIST &&
		   config_setting_type(list) != CONFIG_TYPE_ARRAY) {
		return fail(c, list, key, "must be a list of plugin names ( \"a\", \"b\" ), got %s",
			    type_name(config_setting_type(list)));
	}
	int len = config_setting_type(list) == CONFIG_TYPE_STRING ? 1 : config_setting_length(list);

	if (len == 0)
		return fail(c, list, key, "an empty list: the matrix would have no cells");
	if (len > CL_MAX_PLUGINS)
		return fail(c, list, key, "more than %d plugins", CL_MAX_PLUGINS);
	for (int i = 0; i < len; i++) {
		const config_setting_t *e = config_setting_type(list) == CONFIG_TYPE_STRING
						    ? list : config_setting_get_elem(list, (unsigned)i);
		const char *ref = config_setting_get_string(e);

		if (!ref)
			return fail(c, e, key, "entry %d must be a plugin name in quotes, got %s", i,
				    type_name(config_setting_type(e)));
		uses[i].plugin = cl_registry_resolve(c->reg, ref, kind, why, sizeof why);
		if (!uses[i].plugin)
			return fail(c, e, key, "%s", why);
		for (int j = 0; j < i; j++)
			if (uses[j].plugin == uses[i].plugin)
				return fail(c, e, key, "'%s' is named twice", ref);
		uses[i].line = config_setting_source_line(e);
		set_defaults(&uses[i]);
	}
	*n = (size_t)len;
	return 0;
}

static struct cl_plugin_use *use_named(struct cl_experiment *x, const char *name)
{
	for (size_t i = 0; i < x->nstrategies; i++)
		if (!strcmp(x->strategies[i].plugin->desc->name, name))
			return &x->strategies[i];
	for (size_t i = 0; i < x->nsyncs; i++)
		if (!strcmp(x->syncs[i].plugin->desc->name, name))
			return &x->syncs[i];
	return NULL;
}

/* params.NAME.placement: a string, or a list of strings the matrix sweeps.
 * The host's own parameter for every strategy that places its workers. */
static int read_placement(struct ctx *c, const config_setting_t *s, struct cl_plugin_use *u,
			  const char *what)
{
	struct cl_experiment *x = c->x;
	bool list = config_setting_type(s) == CONFIG_TYPE_ARRAY || config_setting_type(s) == CONFIG_TYPE_LIST;
	int len = list ? config_setting_length(s) : 1;
	int64_t codes[64];
	char why[256];

	if (!(u->plugin->desc->ops.strategy->flags & CL_STRATEGY_PLACES))
		return fail(c, s, what, "strategy '%s' does not place its workers (placement is for "
			    "strategies that declare CL_STRATEGY_PLACES: threads, processes, hybrid)",
			    u->plugin->desc->name);
	if (len < 1 || len > 64)
		return fail(c, s, what, "give 1 to 64 placements");
	for (int i = 0; i < len; i++) {
		const config_setting_t *e = list ? config_setting_get_elem(s, (unsigned)i) : s;
		const char *text = config_setting_get_string(e);

		if (!text)
			return fail(c, e, what, "must be \"none\", \"compact\", \"scatter\" or a CPU list "
				    "like \"0,2-3\", in quotes");
		if (cl_placement_parse(text, &codes[i], why, sizeof why))
			return fail(c, e, what, "%s", why);
		if (codes[i] == CL_PLACE_LIST) {
			if (x->nplace_lists == CL_MAX_PLACE_LISTS)
				return fail(c, e, what, "more than %d CPU lists", CL_MAX_PLACE_LISTS);
			x->place_lists[x->nplace_lists] = cl_xstrdup(text);
			codes[i] += (int64_t)x->nplace_lists++;
		}
		if ((codes[i] == CL_PLACE_COMPACT || codes[i] == CL_PLACE_SCATTER) && !cl_topology()->hwloc &&
		    !x->warnings[0])
			snprintf(x->warnings, sizeof x->warnings, "%s:%d: %s: %s. ", c->path,
				 config_setting_source_line(e), what, cl_topology()->warning);
	}
	u->params[CL_PLACEMENT_PARAM] = codes[0];
	if (len == 1)
		return 0;
	if (x->nknobs == CL_MAX_KNOBS)
		return fail(c, s, what, "more than %d swept settings", CL_MAX_KNOBS);
	struct cl_knob *k = &x->knobs[x->nknobs++];

	memset(k, 0, sizeof *k);
	snprintf(k->name, sizeof k->name, "%s.placement", u->plugin->desc->name);
	k->line = config_setting_source_line(s);
	k->plugin = u->plugin;
	k->param = CL_PLACEMENT_PARAM;
	k->nvalues = (size_t)len;
	k->values = cl_xcalloc((size_t)len, sizeof *k->values);
	k->labels = cl_xcalloc((size_t)len, sizeof *k->labels);
	for (int i = 0; i < len; i++) {
		k->values[i] = codes[i];
		k->labels[i] = cl_xstrdup(config_setting_get_string(list ? config_setting_get_elem(s, (unsigned)i) : s));
	}
	return 0;
}

/* mpirun's --host list: host[:slots],... and nothing that mpirun could
 * read as something else. */
static bool host_list(const char *text)
{
	for (const char *p = text; ; p++) {
		size_t name = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_");

		if (!name || *p == '-')
			return false;
		p += name;
		if (*p == ':') {
			size_t digits = strspn(++p, "0123456789");

			if (!digits || *p == '0' || digits > 6)
				return false;
			p += digits;
		}
		if (!*p)
			return true;
		if (*p != ',')
			return false;
	}
}

/* A hostfile's line whose host name mpirun would hand its remote agent
 * (ssh) as an option ("-oProxyCommand=..."): its number, or 0. Names are
 * the first word of a line; '#' starts a comment. */
static int hostfile_dash_line(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int n = 0, bad = 0;

	while (f && !bad && fgets(line, sizeof line, f)) {
		const char *name = line + strspn(line, " \t");

		n++;
		if (*name == '-')
			bad = n;
	}
	if (f)
		fclose(f);
	return bad;
}

/* params.NAME.hosts and params.NAME.hostfile: where a remote strategy
 * (CL_STRATEGY_REMOTE) may run its tasks, in mpirun's terms. Strings, never
 * swept; a hostfile is looked for beside the config when its path is
 * relative, and must be readable now. */
static int read_hosts(struct ctx *c, const config_setting_t *s, struct cl_plugin_use *u,
		      const char *name, const char *what)
{
	const char *text = config_setting_get_string(s);
	char path[512];

	if (!(u->plugin->desc->ops.strategy->flags & CL_STRATEGY_REMOTE))
		return fail(c, s, what, "strategy '%s' runs its tasks on this machine (%s is for "
			    "strategies that declare CL_STRATEGY_REMOTE: mpi)", u->plugin->desc->name, name);
	if (!text || !*text)
		return fail(c, s, what, "must be a non-empty string in quotes, %s",
			    !strcmp(name, "hosts") ? "hosts as mpirun's --host takes them: \"node1:4,node2:4\""
						   : "the path of a hostfile");
	if (!strcmp(name, "hosts")) {
		if (strlen(text) >= sizeof u->hosts || !host_list(text))
			return fail(c, s, what, "must be host[:slots] separated by commas, no spaces "
				    "(a host name of letters, digits, '.', '-', '_'; slots a number from 1), "
				    "under %zu characters: \"node1:4,node2:4\"", sizeof u->hosts);
		snprintf(u->hosts, sizeof u->hosts, "%s", text);
		return u->hostfile[0] ? fail(c, s, what, "give hosts or hostfile, not both") : 0;
	}
	const char *slash = strrchr(c->path, '/');

	if (text[0] != '/' && slash)
		snprintf(path, sizeof path, "%.*s/%s", (int)(slash - c->path), c->path, text);
	else
		snprintf(path, sizeof path, "%s", text);
	struct stat st;

	if (access(path, R_OK) || stat(path, &st))
		return fail(c, s, what, "cannot read the hostfile %s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(c, s, what, "the hostfile %s is not a file", path);
	char *real = realpath(path, NULL);

	if (!real || strlen(real) >= sizeof u->hostfile) {
		free(real);
		return fail(c, s, what, "cannot resolve the hostfile %s (or its path is over %zu "
			    "characters)", path, sizeof u->hostfile - 1);
	}
	int dash = hostfile_dash_line(real);

	if (dash) {
		free(real);
		return fail(c, s, what, "the hostfile %s, line %d: a host name starting with '-', which "
			    "mpirun's remote agent (ssh) would take as an option", path, dash);
	}
	snprintf(u->hostfile, sizeof u->hostfile, "%s", real);
	free(real);
	return u->hosts[0] ? fail(c, s, what, "give hosts or hostfile, not both") : 0;
}

static int read_params(struct ctx *c, const config_setting_t *root)
{
	const config_setting_t *all = config_setting_get_member(root, "params");

	if (!all)
		return 0;
	if (config_setting_type(all) != CONFIG_TYPE_GROUP)
		return fail(c, all, "params", "must be a group: params = { threads = { workers = 4; }; };");
	for (int i = 0; i < config_setting_length(all); i++) {
		const config_setting_t *g = config_setting_get_elem(all, (unsigned)i);
		const char *pname = config_setting_name(g);
		struct cl_plugin_use *u = use_named(c->x, pname);
		char what[160];

		snprintf(what, sizeof what, "params.%s", pname);
		if (!u)
			return fail(c, g, what, "'%s' is not one of this experiment's strategies or syncs",
				    pname);
		if (config_setting_type(g) != CONFIG_TYPE_GROUP)
			return fail(c, g, what, "must be a group { name = value; }");
		for (int j = 0; j < config_setting_length(g); j++) {
			const config_setting_t *s = config_setting_get_elem(g, (unsigned)j);
			const char *name = config_setting_name(s);
			const struct cl_param_decl *d = u->plugin->desc->params;
			size_t k = 0;

			snprintf(what, sizeof what, "params.%s.%s", pname, name);
			if (!strcmp(name, "placement") && u->plugin->desc->kind == CL_PLUGIN_STRATEGY) {
				if (read_placement(c, s, u, what))
					return -1;
				continue;
			}
			if ((!strcmp(name, "hosts") || !strcmp(name, "hostfile")) &&
			    u->plugin->desc->kind == CL_PLUGIN_STRATEGY) {
				if (read_hosts(c, s, u, name, what))
					return -1;
				continue;
			}
			while (k < u->plugin->nparams && strcmp(d[k].name, name))
				k++;
			if (k == u->plugin->nparams) {
				char list[512] = "";

				for (size_t m = 0; m < u->plugin->nparams; m++)
					snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
						 m ? ", " : "", d[m].name);
				return fail(c, s, what, "plugin '%s' declares no parameter '%s' (it has: %s)",
					    pname, name, *list ? list : "none");
			}
			struct number n = { .what = what, .min = d[k].min, .max = d[k].max, .scale = 1,
					    .is_bool = d[k].type == CL_PARAM_BOOL,
					    .plugin = u->plugin, .param = k, .offset = -1 };
			char knob[96];

			snprintf(knob, sizeof knob, "%s.%s", pname, name);
			n.knob = knob;
			if (read_number(c, s, &n, &u->params[k]))
				return -1;
		}
	}
	return 0;
}

/* limits = { memory_mb = 512; processes = 64; output_mb = 16; }; */
static int read_limits(struct ctx *c, const config_setting_t *g)
{
	static const char *const keys[] = { "memory_mb", "processes", "output_mb", NULL };
	struct cl_limits *l = &c->x->limits;
	struct number n[3] = {
		{ .what = "limits.memory_mb", .min = 1, .max = INT64_C(1) << 30, .scale = 1, .offset = -1 },
		{ .what = "limits.processes", .min = 1, .max = 1 << 22, .scale = 1, .offset = -1 },
		{ .what = "limits.output_mb", .min = 1, .max = 1 << 20, .scale = 1, .offset = -1 },
	};
	int64_t *out[3] = { &l->memory_mb, &l->processes, &l->output_mb };

	if (!g)
		return 0;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return fail(c, g, "limits", "must be a group: limits = { memory_mb = 512; processes = "
			    "64; output_mb = 16; };");
	if (only_members(c, g, "limits", keys))
		return -1;
	for (int i = 0; i < 3; i++) {
		const config_setting_t *s = config_setting_get_member(g, keys[i]);

		if (s && one_value(c, s, &n[i], out[i]))
			return -1;
	}
	return 0;
}

static int read_scalars(struct ctx *c, const config_setting_t *root)
{
	struct cl_experiment *x = c->x;
	const config_setting_t *s;
	const char *str;
	struct number repeat = { .what = "repeat", .min = 1, .max = 10000, .scale = 1, .offset = -1 };
	struct number warmup = { .what = "warmup", .min = 0, .max = 1000, .scale = 1, .offset = -1 };

	x->repeat = 1;
	x->warmup = 0;
	x->timeout_ms = 600000;
	x->limits.output_mb = CL_DEFAULT_OUTPUT_MB;
	if ((s = config_setting_get_member(root, "name"))) {
		if (!(str = config_setting_get_string(s)) || !*str)
			return fail(c, s, "name", "must be a non-empty string");
		x->name = cl_printable_str(cl_xstrdup(str), false);
	}
	if ((s = config_setting_get_member(root, "description"))) {
		if (!(str = config_setting_get_string(s)))
			return fail(c, s, "description", "must be a string");
		x->description = cl_printable_str(cl_xstrdup(str), true);
	}
	if ((s = config_setting_get_member(root, "baseline"))) {
		if (!(str = config_setting_get_string(s)) || !*str)
			return fail(c, s, "baseline", "must name a cell, e.g. baseline = \"serial\";");
		if (!printable_name(str))
			return fail(c, s, "baseline", "printable characters only: no control characters "
				    "(ESC, BEL...)");
		x->baseline = cl_xstrdup(str);
		x->baseline_line = config_setting_source_line(s);
	}
	if ((s = config_setting_get_member(root, "repeat")) && one_value(c, s, &repeat, &x->repeat))
		return -1;
	if ((s = config_setting_get_member(root, "warmup")) && one_value(c, s, &warmup, &x->warmup))
		return -1;
	if ((s = config_setting_get_member(root, "timeout"))) {
		double t;

		if (is_int(s))
			t = (double)config_setting_get_int64(s);
		else if (config_setting_type(s) == CONFIG_TYPE_FLOAT)
			t = config_setting_get_float(s);
		else
			return fail(c, s, "timeout", "must be a number of seconds, got %s",
				    type_name(config_setting_type(s)));
		if (!(t >= 0.001 && t <= 86400))
			return fail(c, s, "timeout", "must be between 0.001 and 86400 seconds, got %g", t);
		x->timeout_ms = (int64_t)llround(t * 1000);
	}
	return read_limits(c, config_setting_get_member(root, "limits"));
}

/* target = "http://HOST:PORT/PATH": request steps go to the user's own
 * service. Only its form is checked here (no lookup: a config loads the same
 * on any machine); the host resolves it when a trial starts. */
static int read_target(struct ctx *c, const config_setting_t *root)
{
	const config_setting_t *s = config_setting_get_member(root, "target");
	const char *url, *host, *colon, *slash;
	char *end;
	long port;

	if (!s)
		return 0;
	if (!(url = config_setting_get_string(s)) || strncmp(url, "http://", 7))
		return fail(c, s, "target", "must be a string \"http://HOST:PORT/PATH\" (plain HTTP/1.1)");
	host = url + 7;
	colon = strchr(host, ':');
	slash = strchr(host, '/');
	if (!colon || colon == host || (slash && slash < colon) || (size_t)(colon - host) >= 64)
		return fail(c, s, "target", "\"%s\": want http://HOST:PORT/PATH, HOST of at most 63 "
			    "characters", url);
	port = strtol(colon + 1, &end, 10);
	if (end == colon + 1 || port < 1 || port > 65535 || (*end && *end != '/'))
		return fail(c, s, "target", "\"%s\": the port must be 1 to 65535", url);
	if (strlen(*end ? end : "/") >= 128)
		return fail(c, s, "target", "a path of at most 127 characters");
	for (const char *p = host; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return fail(c, s, "target", "\"%s\": no spaces or control characters", url);
	for (size_t i = 0; i < c->x->nworkloads; i++) {
		struct cl_workload *w = &c->x->workloads[i].w;

		for (int64_t k = 0; k < w->nsteps; k++)
			if (w->steps[k].op == CL_OP_REQUEST && w->steps[k].delay_ns)
				return fail(c, s, "target", "request steps cannot ask the user's service for a "
					    "delay (line %d): delay_ms is for conclab's own server",
					    w->steps[k].line);
		snprintf(w->target_host, sizeof w->target_host, "%.*s", (int)(colon - host), host);
		snprintf(w->target_path, sizeof w->target_path, "%s", *end ? end : "/");
		w->target_port = port;
	}
	return 0;
}

/* Does some workload cross strategy i with sync j? (A workload may take
 * its own subsets: one experiment can then hold mpi with the RMA syncs
 * beside threads with a mutex.) */
static bool crossed(const struct cl_experiment *x, size_t i, size_t j)
{
	for (size_t w = 0; w < x->nworkloads; w++)
		if ((x->workloads[w].strategies >> i & 1) && (x->workloads[w].syncs >> j & 1))
			return true;
	return false;
}

/* Pairs the host cannot run, refused before anything runs. */
static int check_pairs(struct ctx *c, const config_setting_t *root)
{
	struct cl_experiment *x = c->x;

	for (size_t i = 0; i < x->nstrategies; i++) {
		const struct cl_plugin *st = x->strategies[i].plugin->desc;

		for (size_t j = 0; j < x->nsyncs; j++) {
			const struct cl_plugin *sy = x->syncs[j].plugin->desc;

			if (!crossed(x, i, j))
				continue;
			bool remote_st = st->ops.strategy->flags & CL_STRATEGY_REMOTE;
			bool remote_sy = sy->ops.sync->flags & CL_SYNC_REMOTE;

			if ((st->ops.strategy->flags & CL_STRATEGY_FORKS) &&
			    (sy->ops.sync->flags & CL_SYNC_THREADS_ONLY))
				return fail(c, config_setting_get_member(root, "syncs"), "syncs",
					    "sync '%s' works only inside one process and cannot serve "
					    "strategy '%s', which forks", sy->name, st->name);
			if (remote_sy && !remote_st)
				return fail(c, config_setting_get_member(root, "syncs"), "syncs",
					    "sync '%s' keeps its counter in remote memory (an MPI "
					    "window) that only tasks of a remote strategy reach; strategy "
					    "'%s' runs them here (pair it with mpi, or give '%s' a sync "
					    "of its own machine: mutex, atomic, ...)", sy->name, st->name,
					    st->name);
			if (remote_st && !remote_sy)
				return fail(c, config_setting_get_member(root, "syncs"), "syncs",
					    "strategy '%s' runs tasks in other address spaces, maybe on "
					    "other hosts, where the memory of sync '%s' is not shared; "
					    "pair it with a sync that keeps its counter remote "
					    "(rma-none, rma-lock, rma-atomic)", st->name, sy->name);
		}
	}
	return 0;
}

/* libconfig wraps an integer literal too large for 64 bits into a wrong
 * value without a word, so the text is checked for such literals first. */
static int check_literals(struct ctx *c, const char *text)
{
	char name[64] = "experiment";
	int line = 1;

	for (const char *p = text; *p; p++) {
		if (*p == '\n') {
			line++;
		} else if (*p == '"') {
			while (p[1] && p[1] != '"')
				p += 1 + (p[1] == '\\' && p[2]);
			p += !!p[1];
		} else if (*p == '#' || (*p == '/' && p[1] == '/')) {
			while (p[1] && p[1] != '\n')
				p++;
		} else if (*p == '/' && p[1] == '*') {
			for (p += 2; *p && !(*p == '*' && p[1] == '/'); p++)
				line += *p == '\n';
			if (!*p)
				break;
			p++;
		} else if (*p == '@') {
			/* libconfig exits the process on an @include of a folder, and
			 * an included file would be missing from the config text the
			 * results record: one file is the whole experiment */
			return snprintf(c->err, c->errlen, "%s:%d: @include: not supported: an experiment "
					"is one file (its text is recorded with the results)", c->path, line), -1;
		} else if (isalpha((unsigned char)*p) || *p == '_') {
			size_t n = 0;

			while (isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '-')
				n++;
			snprintf(name, sizeof name, "%.*s", (int)(n < 63 ? n : 63), p);
			p += n - 1;
		} else if (isdigit((unsigned char)*p)) {
			char *end;

			errno = 0;
			strtoll(p, &end, 0);
			if (errno == ERANGE && *end != '.' && *end != 'e' && *end != 'E') {
				snprintf(c->err, c->errlen, "%s:%d: %s: integer literal out of range "
					 "(more than 64 bits)", c->path, line, name);
				return -1;
			}
			while (isalnum((unsigned char)p[1]) || p[1] == '.')
				p++;
		}
	}
	return 0;
}

static char *slurp(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct stat st;
	char *text;
	size_t n;

	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) || st.st_size > MAX_FILE_BYTES) {
		snprintf(err, errlen, "%s: not a regular file of at most %d bytes", path, MAX_FILE_BYTES);
		fclose(f);
		return NULL;
	}
	text = cl_xmalloc((size_t)st.st_size + 1);
	n = fread(text, 1, (size_t)st.st_size, f);
	text[n] = 0;
	fclose(f);
	return text;
}

int cl_experiment_load(struct cl_experiment *x, const char *path, struct cl_registry *reg,
		       char *err, size_t errlen)
{
	char *text = slurp(path, err, errlen);

	if (!text) {
		memset(x, 0, sizeof *x);
		return -1;
	}
	return cl_experiment_load_text(x, path, text, reg, err, errlen);
}

int cl_experiment_load_text(struct cl_experiment *x, const char *path, char *text,
			    struct cl_registry *reg, char *err, size_t errlen)
{
	static const char *const keys[] = { "name", "description", "repeat", "warmup", "timeout",
					    "limits", "baseline", "workload", "workloads", "strategies", "syncs",
					    "params", "target", NULL };
	struct ctx c = { .x = x, .reg = reg, .path = path, .err = err, .errlen = errlen };
	config_t cfg;
	const config_setting_t *root;
	int rc = -1;

	memset(x, 0, sizeof *x);
	x->path = cl_xstrdup(path);
	x->text = text;
	config_init(&cfg);
	if (check_literals(&c, x->text))
		goto out_destroy;
	if (!config_read_string(&cfg, x->text)) {
		snprintf(err, errlen, "%s:%d: syntax error: %s", path, config_error_line(&cfg),
			 config_error_text(&cfg));
		goto out_destroy;
	}
	root = config_root_setting(&cfg);
	if (only_members(&c, root, "experiment", keys) || read_scalars(&c, root) ||
	    read_plugins(&c, root, "strategies", CL_PLUGIN_STRATEGY, x->strategies, &x->nstrategies) ||
	    read_plugins(&c, root, "syncs", CL_PLUGIN_SYNC, x->syncs, &x->nsyncs) ||
	    read_workloads(&c, root) || read_target(&c, root) || read_params(&c, root) ||
	    check_pairs(&c, root))
		goto out_destroy;
	if (!x->name) {
		const char *base = strrchr(path, '/');

		x->name = strndup(base ? base + 1 : path, strcspn(base ? base + 1 : path, "."));
	}
	rc = 0;
out_destroy:
	config_destroy(&cfg);
	return rc;
}

void cl_experiment_free(struct cl_experiment *x)
{
	for (size_t i = 0; i < x->nknobs; i++) {
		for (size_t j = 0; j < x->knobs[i].nvalues; j++)
			free(x->knobs[i].labels[j]);
		free(x->knobs[i].labels);
		free(x->knobs[i].values);
	}
	for (size_t i = 0; i < x->nplace_lists; i++)
		free(x->place_lists[i]);
	free(x->path);
	free(x->name);
	free(x->description);
	free(x->baseline);
	free(x->text);
	memset(x, 0, sizeof *x);
}
