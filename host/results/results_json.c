/* The results model as JSON (jansson), written and read back, as
 * docs/results-schema.md describes it. The summaries written are the ones
 * cl_results_summarize computed; a loaded file is summarized again from its
 * trials, so a view never trusts a figure the file merely states. */
#define _GNU_SOURCE
#include "results.h"
#include "printable.h"
#include "atomic_file.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static json_t *summary_json(const struct cl_cell_summary *s)
{
	const struct cl_stats *w = &s->wall, *o = &s->ops_per_s;
	json_t *j;

	j = json_pack("{sI sI s{sI sI sI sf sf sf sf sf s{sf sf sf}} sI sb sf sf sf sf sf"
			 " s{sf sf} s{sf sf} so so sI sI sf sf}",
		"measured", (json_int_t)s->measured, "ok", (json_int_t)s->ok,
		"wall_ns", "median", (json_int_t)llround(w->median), "min", (json_int_t)llround(w->min),
		"max", (json_int_t)llround(w->max), "mean", w->mean, "stddev", w->stddev, "cv", w->cv,
		"q1", w->q1, "q3", w->q3, "ci", "lo", w->ci_lo, "hi", w->ci_hi, "level", w->ci_level,
		"outliers", (json_int_t)w->outliers, "noisy", s->noisy,
		"cpu_ns", s->cpu_ns, "cores", s->cores, "rss_sum_kb", s->rss_kb, "vcsw", s->vcsw,
		"ivcsw", s->ivcsw, "latency_ns", "p50", s->p50_ns, "p99", s->p99_ns,
		"response_ns", "p50", s->resp_p50_ns, "p99", s->resp_p99_ns,
		"speedup", s->speedup > 0 ? json_real(s->speedup) : json_null(),
		"speedup_ci", s->speedup > 0 ? json_pack("{sf sf}", "lo", s->speedup_lo, "hi",
							   s->speedup_hi) : json_null(),
		"lost_median", (json_int_t)s->lost_median, "interfered", (json_int_t)s->interfered,
		"max_rss_kb", s->rss_max_kb, "pss_sum_kb", s->pss_kb);
	json_object_set_new(j, "server_bound", json_integer((json_int_t)s->server_bound));
	if (s->counter_expected)
		json_object_set_new(j, "counter", json_pack("{sI sI}", "expected_median",
							     (json_int_t)s->counter_expected, "exact",
							     (json_int_t)s->counter_exact));
	if (s->open_loop)
		json_object_set_new(j, "arrival", json_pack("{sf sf sf sf sI}", "offered_per_s", s->offered_per_s,
			"scheduled_per_s", s->scheduled_per_s, "achieved_per_s", s->achieved_per_s, "lateness_p99_ns", s->late_p99_ns,
			"overloaded", (json_int_t)s->overloaded));
	if (s->nclasses) {
		json_t *classes = json_array();

		for (size_t k = 0; k < s->nclasses; k++)
			json_array_append_new(classes, json_pack("{ss s{sf sf}}", "name", s->classes[k].name,
				"response_ns", "p50", s->classes[k].resp_p50_ns, "p99", s->classes[k].resp_p99_ns));
		json_object_set_new(j, "classes", classes);
	}
	if (s->timed)
		json_object_set_new(j, "duration", json_pack("{s{sf sf sf s{sf sf sf}} s{sf sf sf sf}}",
			"ops_per_s", "median", o->median, "mean", o->mean, "cv", o->cv, "ci", "lo", o->ci_lo,
			"hi", o->ci_hi, "level", o->ci_level, "fairness", "jain", s->jain, "cv", s->ops_cv,
			"min", s->ops_min, "max", s->ops_max));
	return j;
}

static json_t *cell_json(const struct cl_results *r, const struct cl_results_cell *c)
{
	json_t *j = json_object(), *trials = json_array();

	json_object_set_new(j, "label", json_string(c->label));
	json_object_set_new(j, "workload", c->workload ? json_string(c->workload) : json_null());
	json_object_set_new(j, "strategy", json_string(c->strategy));
	json_object_set_new(j, "sync", json_string(c->sync));
	json_object_set(j, "params", c->params ? c->params : json_object());
	json_object_set(j, "sweep", c->sweep ? c->sweep : json_object());
	if (c->spec)
		json_object_set(j, "spec", c->spec);
	json_object_set_new(j, "baseline", json_string(r->cells[c->baseline].label));
	for (size_t i = 0; i < c->ntrials; i++) {
		const struct cl_trial_result *t = &c->trials[i];
		json_t *tj = cl_trial_to_json(t);

		json_object_set_new(tj, "outlier", json_boolean(cl_trial_counts(t) &&
				    cl_stats_outlier(&c->summary.wall, (double)t->wall_ns)));
		json_array_append_new(trials, tj);
	}
	json_object_set_new(j, "trials", trials);
	json_object_set_new(j, "summary", summary_json(&c->summary));
	return j;
}

json_t *cl_results_to_json(const struct cl_results *r)
{
	json_t *root = json_object(), *cells = json_array();

	json_object_set_new(root, "schema", json_string(CL_RESULTS_SCHEMA));
	json_object_set_new(root, "experiment",
			    json_pack("{ss ss* ss sI sI sf ss* ss sf ss?}", "name", r->name,
				      "description", r->description, "path", r->path ? r->path : "",
				      "repeat", (json_int_t)r->repeat, "warmup", (json_int_t)r->warmup,
				      "timeout_s", r->timeout_s, "baseline", r->baseline,
				      "config", r->config ? r->config : "",
				      "cv_threshold", cl_results_cv_threshold(r),
				      "interrupted", r->interrupted));
	if (r->order) {
		json_t *x = json_object_get(root, "experiment");

		json_object_set_new(x, "order", json_string(r->order));
		json_object_set_new(x, "seed", json_integer((json_int_t)r->seed));
	}
	json_object_set(root, "environment", r->environment ? r->environment : json_object());
	for (size_t i = 0; i < r->ncells; i++)
		json_array_append_new(cells, cell_json(r, &r->cells[i]));
	json_object_set_new(root, "cells", cells);
	return root;
}

int cl_results_write_json(const char *path, const struct cl_results *r, char *err, size_t errlen)
{
	char tmp[4096];
	FILE *f = cl_file_begin(path, tmp, sizeof tmp, err, errlen);
	json_t *root;

	if (!f)
		return -1;
	root = cl_results_to_json(r);
	json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(root);
	return cl_file_commit(f, tmp, path, err, errlen);
}

/* ---- reading ------------------------------------------------------------ */

/* Strings of a results file, which may come from anywhere, are made
 * printable as they are read: no view needs to remember it. */
static char *dup_or_null(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	/* only the config and the description are text of several lines: a
	 * line break in a name or label would split the row that shows it */
	bool lines = !strcmp(key, "config") || !strcmp(key, "description");

	return cl_printable_str(s ? cl_xstrdup(s) : NULL, lines);
}

static void printable_json(json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_string(j)) {
		char *s = cl_xstrdup(json_string_value(j));

		json_string_set(j, cl_printable_str(s, true));
		free(s);
	} else if (json_is_object(j)) {
		json_object_foreach(j, key, v)
			printable_json(v);
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			printable_json(v);
	}
}

static int cell_from_json(struct cl_results_cell *c, const json_t *j, size_t index,
			  const char *path, char *err, size_t errlen)
{
	const json_t *trials = json_object_get(j, "trials"), *t;
	size_t i;

	c->label = dup_or_null(j, "label");
	c->workload = dup_or_null(j, "workload");
	c->strategy = dup_or_null(j, "strategy");
	c->sync = dup_or_null(j, "sync");
	c->params = json_incref(json_object_get(j, "params"));
	c->sweep = json_incref(json_object_get(j, "sweep"));
	c->spec = json_is_object(json_object_get(j, "spec")) ? json_incref(json_object_get(j, "spec")) : NULL;
	if (!c->label || !c->strategy || !c->sync || !json_is_array(trials))
		return snprintf(err, errlen, "%s: cell %zu is not a cell (label, strategy, sync and "
				"trials are required)", path, index + 1), -1;
	if (!json_is_object(c->params))
		json_decref(c->params), c->params = json_object();
	if (!json_is_object(c->sweep))
		json_decref(c->sweep), c->sweep = json_object();
	c->trials = cl_xcalloc(json_array_size(trials), sizeof *c->trials);
	json_array_foreach(trials, i, t) {
		char why[256];

		if (cl_trial_from_json(t, &c->trials[i], why, sizeof why))
			return snprintf(err, errlen, "%s: cell '%s', trial %zu: %s", path, c->label, i + 1,
					why), -1;
		c->ntrials++;
	}
	return 0;
}

/* Each cell's baseline by its label; a cell without one is its own. 0, or
 * -1 when a cell names a baseline that is not among the cells. Labels are
 * looked up in a table, not searched (a file may hold tens of thousands);
 * where two cells share a label, the first is the baseline. */
static int link_baselines(struct cl_results *r, const json_t *cells, const char *path, char *err,
			  size_t errlen)
{
	json_t *first = json_object(); /* label: the index of its first cell */
	int rc = 0;

	for (size_t c = r->ncells; c-- > 0;) /* from the last: the first one stays */
		json_object_set_new_nocheck(first, r->cells[c].label, json_integer((json_int_t)c));
	for (size_t c = 0; c < r->ncells && !rc; c++) {
		/* one line, as the labels were read (dup_or_null) */
		char *want = dup_or_null(json_array_get(cells, c), "baseline");
		const json_t *b = want ? json_object_get(first, want) : NULL;

		r->cells[c].baseline = b ? (size_t)json_integer_value(b) : c;
		if (want && !b)
			rc = (snprintf(err, errlen, "%s: cell '%s' is measured against '%s', which is not "
				       "a cell of this file", path, r->cells[c].label, want), -1);
		free(want);
	}
	json_decref(first);
	return rc;
}

static int results_from_json(struct cl_results *r, const json_t *root, const char *path, char *err,
			     size_t errlen)
{
	const json_t *x = json_object_get(root, "experiment"), *cells = json_object_get(root, "cells");
	const char *schema = json_string_value(json_object_get(root, "schema"));
	const json_t *c;
	size_t i;

	if (!schema || strcmp(schema, CL_RESULTS_SCHEMA))
		return snprintf(err, errlen, "%s: schema is %s%s%s, this conclab reads %s", path,
				schema ? "'" : "", schema ? schema : "missing", schema ? "'" : "",
				CL_RESULTS_SCHEMA), -1;
	if (!json_is_array(cells))
		return snprintf(err, errlen, "%s: no \"cells\" array", path), -1;
	if (!json_is_object(x) || !json_is_string(json_object_get(x, "name")))
		return snprintf(err, errlen, "%s: no \"experiment\" object with its name", path), -1;
	if (json_integer_value(json_object_get(x, "repeat")) < 0 ||
	    json_integer_value(json_object_get(x, "warmup")) < 0 ||
	    !(json_number_value(json_object_get(x, "timeout_s")) >= 0))
		return snprintf(err, errlen, "%s: the experiment's repeat, warmup or timeout_s is "
				"negative", path), -1;
	r->name = dup_or_null(x, "name");
	if (!r->name)
		r->name = cl_xstrdup("");
	r->description = dup_or_null(x, "description");
	r->path = dup_or_null(x, "path");
	r->config = dup_or_null(x, "config");
	r->baseline = dup_or_null(x, "baseline");
	r->interrupted = dup_or_null(x, "interrupted");
	r->repeat = (int64_t)json_integer_value(json_object_get(x, "repeat"));
	r->warmup = (int64_t)json_integer_value(json_object_get(x, "warmup"));
	r->timeout_s = json_number_value(json_object_get(x, "timeout_s"));
	r->cv_threshold = json_number_value(json_object_get(x, "cv_threshold"));
	r->order = json_is_string(json_object_get(x, "order")) &&
			   !strcmp(json_string_value(json_object_get(x, "order")), "sequential")
		   ? "sequential" : json_is_string(json_object_get(x, "order")) ? "random" : NULL;
	r->seed = (uint64_t)json_integer_value(json_object_get(x, "seed"));
	r->environment = json_incref(json_object_get(root, "environment"));
	if (!json_is_object(r->environment))
		json_decref(r->environment), r->environment = json_object();
	else
		printable_json(r->environment);
	r->cells = cl_xcalloc(json_array_size(cells), sizeof *r->cells);
	json_array_foreach(cells, i, c) {
		r->ncells++;
		if (cell_from_json(&r->cells[i], c, i, path, err, errlen))
			return -1;
	}
	if (link_baselines(r, cells, path, err, errlen))
		return -1;
	cl_results_summarize(r);
	return 0;
}

int cl_results_load(struct cl_results *r, const char *path, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	int rc;

	memset(r, 0, sizeof *r);
	if (!root) {
		if (jerr.line > 0)
			snprintf(err, errlen, "%s:%d:%d: not valid JSON: %s", path, jerr.line, jerr.column,
				 jerr.text);
		else
			snprintf(err, errlen, "%s: %s", path, jerr.text);
		return -1;
	}
	/* every string at once, before any is compared: a label and the
	 * baseline naming it stay equal however conclab wrote them */
	printable_json(root);
	rc = results_from_json(r, root, path, err, errlen);
	json_decref(root);
	return rc;
}
