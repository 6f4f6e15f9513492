/* Typed reading of an experiment file's values: messages that name file,
 * line and setting, the members a group may have, and numbers that may be
 * swept (an array of values becomes a knob of the matrix). */
#define _GNU_SOURCE
#include "config_internal.h"
#include "printable.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cfg_fail(struct cfg_ctx *c, const config_setting_t *s, const char *what, const char *fmt, ...)
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
bool cfg_printable_name(const char *s)
{
	char *shown = cl_printable_str(cl_xstrdup(s), false);
	bool same = !strcmp(shown, s);

	free(shown);
	return same;
}

const char *cfg_type_name(int type)
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
int cfg_only_members(struct cfg_ctx *c, const config_setting_t *g, const char *what,
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
			return cfg_fail(c, m, what, "unknown setting '%s' (expected one of: %s)", name, list);
		}
	}
	return 0;
}

int cfg_is_int(const config_setting_t *s)
{
	int t = config_setting_type(s);

	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
}


int cfg_one_value(struct cfg_ctx *c, const config_setting_t *s, const struct number *n, int64_t *out)
{
	if (n->is_bool) {
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return cfg_fail(c, s, n->what, "must be true or false, got %s",
				    cfg_type_name(config_setting_type(s)));
		*out = config_setting_get_bool(s);
		return 0;
	}
	if (!cfg_is_int(s))
		return cfg_fail(c, s, n->what, "must be an integer, got %s", cfg_type_name(config_setting_type(s)));
	long long v = config_setting_get_int64(s);

	if (v < n->min || v > n->max)
		return cfg_fail(c, s, n->what, "must be between %lld and %lld, got %lld",
			    (long long)n->min, (long long)n->max, v);
	*out = v * n->scale;
	return 0;
}

/* A scalar, or an array of at least two values that the matrix sweeps. */
int cfg_read_number(struct cfg_ctx *c, const config_setting_t *s, const struct number *n,
		       int64_t *base)
{
	struct cl_experiment *x = c->x;
	int len;

	if (config_setting_type(s) != CONFIG_TYPE_ARRAY && config_setting_type(s) != CONFIG_TYPE_LIST)
		return cfg_one_value(c, s, n, base);
	len = config_setting_length(s);
	if (len == 0)
		return cfg_fail(c, s, n->what, "an empty sweep: give at least one value");
	if (len > CL_MAX_CELLS)
		return cfg_fail(c, s, n->what, "a sweep of %d values; at most %d cells fit an experiment",
			    len, CL_MAX_CELLS);
	if (len > 1 && x->nknobs == CL_MAX_KNOBS)
		return cfg_fail(c, s, n->what, "more than %d swept settings", CL_MAX_KNOBS);

	struct cl_knob *k = &x->knobs[x->nknobs];
	int64_t *values = cl_xcalloc((size_t)len, sizeof *values);
	char **labels = cl_xcalloc((size_t)len, sizeof *labels);

	for (int i = 0; i < len; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (cfg_one_value(c, e, n, &values[i])) {
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
int cfg_workload_setting(struct cfg_ctx *c, const config_setting_t *g, const char *key,
			    const char *what, int64_t min, int64_t max, int64_t scale, int is_bool,
			    int64_t *field)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	const char *dot = strchr(what, '.');
	struct number n = { .what = what, .min = min, .max = max, .scale = scale, .is_bool = is_bool,
			    .knob = strncmp(what, "workload", 8) || !dot ? NULL : dot + 1,
			    .workload = (size_t)(c->def - c->x->workloads),
			    .offset = (char *)field - (char *)&c->def->w };

	return s ? cfg_read_number(c, s, &n, field) : 0;
}

int cfg_workload_number(struct cfg_ctx *c, const config_setting_t *g, const char *key,
			   const char *what, int64_t min, int64_t max, int64_t scale, int64_t *field)
{
	return cfg_workload_setting(c, g, key, what, min, max, scale, 0, field);
}
