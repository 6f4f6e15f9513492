/* `conclab compare OLD.json NEW.json`: like Google Benchmark's compare.py, old
 * and new medians, their ratio, and whether the difference is significant. */
#include "compare.h"
#include "xalloc.h"

#include "report.h"
#include "stats.h"

#include <stdlib.h>
#include <string.h>

json_t *cl_results_load(const char *path, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	const char *schema;

	if (!root) {
		if (jerr.line > 0)
			snprintf(err, errlen, "%s:%d:%d: not valid JSON: %s", path, jerr.line, jerr.column,
				 jerr.text);
		else
			snprintf(err, errlen, "%s: %s", path, jerr.text);
		return NULL;
	}
	schema = json_string_value(json_object_get(root, "schema"));
	if (!schema || strcmp(schema, CL_RESULTS_SCHEMA)) {
		snprintf(err, errlen, "%s: schema is %s%s%s, this conclab reads %s", path,
			 schema ? "'" : "", schema ? schema : "missing", schema ? "'" : "",
			 CL_RESULTS_SCHEMA);
		json_decref(root);
		return NULL;
	}
	if (!json_is_array(json_object_get(root, "cells"))) {
		snprintf(err, errlen, "%s: no \"cells\" array", path);
		json_decref(root);
		return NULL;
	}
	return root;
}

size_t cl_results_walls(const json_t *cell, double **walls)
{
	const json_t *trials = json_object_get(cell, "trials"), *t;
	size_t i, n = 0;

	*walls = cl_xmalloc((json_array_size(trials) + 1) * sizeof **walls);
	json_array_foreach(trials, i, t) {
		const char *status = json_string_value(json_object_get(t, "status"));

		if (json_is_true(json_object_get(t, "warmup")) || !status || strcmp(status, "ok"))
			continue;
		(*walls)[n++] = (double)json_integer_value(json_object_get(t, "wall_ns"));
	}
	return n;
}

static int same_cell(const json_t *a, const json_t *b)
{
	static const char *const keys[] = { "workload", "strategy", "sync", "params" };

	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		const json_t *x = json_object_get(a, keys[k]), *y = json_object_get(b, keys[k]);

		if (!(x ? y && json_equal((json_t *)x, (json_t *)y) : !y || json_is_null(y)))
			return 0;
	}
	return 1;
}

static const json_t *find_match(const json_t *cells, const json_t *cell)
{
	const json_t *c;
	size_t i;

	json_array_foreach(cells, i, c)
		if (same_cell(cell, c))
			return c;
	return NULL;
}

static const char *label(const json_t *cell)
{
	const char *l = json_string_value(json_object_get(cell, "label"));

	return l ? l : "?";
}

void cl_compare(FILE *out, const char *old_name, const json_t *old, const char *new_name,
		const json_t *new, const struct cl_compare_opts *opts, struct cl_compare_counts *counts)
{
	const json_t *oc = json_object_get(old, "cells"), *nc = json_object_get(new, "cells"), *a, *b;
	double alpha = opts && opts->alpha > 0 ? opts->alpha : 0.05;
	double threshold = opts && opts->threshold >= 0 ? opts->threshold : CL_COMPARE_THRESHOLD;
	size_t i, j, w = 4, small = 0;
	char m1[32], m2[32];

	memset(counts, 0, sizeof *counts);
	json_array_foreach(oc, i, a)
		w = strlen(label(a)) > w ? strlen(label(a)) : w;
	fprintf(out, "compare: %s -> %s\n", old_name, new_name);
	fprintf(out, "significant: Mann-Whitney U p < %g and a change of at least %g%% (--threshold: two "
		"runs of one config on one machine\ncan differ by a few percent, more than their trials "
		"within a run)\n\n", alpha, 100 * threshold);
	fprintf(out, "%-*s  %10s  %10s  %8s  %8s  %s\n", (int)w, "cell", "old", "new", "new/old", "p",
		"verdict");
	json_array_foreach(oc, i, a) {
		if (!(b = find_match(nc, a)))
			continue;
		double *x, *y, p;
		size_t nx = cl_results_walls(a, &x), ny = cl_results_walls(b, &y);
		struct cl_stats sx, sy;
		const char *verdict;

		counts->matched++;
		cl_stats_of(x, nx, &sx);
		cl_stats_of(y, ny, &sy);
		p = cl_mann_whitney(y, ny, x, nx, NULL);
		double ratio = sx.median > 0 ? sy.median / sx.median : 0;

		if (!nx || !ny)
			verdict = "no ok trials to compare";
		else if (p < alpha && ratio >= 1 + threshold)
			verdict = (counts->slower++, "SLOWER (significant)");
		else if (p < alpha && ratio <= 1 / (1 + threshold))
			verdict = (counts->faster++, "faster (significant)");
		else if (p < alpha)
			verdict = "same (within the threshold)";
		else
			verdict = "same (not significant)";
		small += nx < 4 || ny < 4;
		fprintf(out, "%-*s  %10s  %10s  %7.3fx  %8.3g  %s\n", (int)w, label(a),
			cl_format_ns((int64_t)sx.median, m1, sizeof m1),
			cl_format_ns((int64_t)sy.median, m2, sizeof m2), ratio, p, verdict);
		free(x);
		free(y);
	}
	json_array_foreach(oc, i, a) {
		if (!find_match(nc, a)) {
			if (!counts->only_old++)
				fprintf(out, "\nonly in %s:\n", old_name);
			fprintf(out, "  %s\n", label(a));
		}
	}
	json_array_foreach(nc, j, b) {
		if (!find_match(oc, b)) {
			if (!counts->only_new++)
				fprintf(out, "\nonly in %s:\n", new_name);
			fprintf(out, "  %s\n", label(b));
		}
	}
	if (small)
		fprintf(out, "\nnote: %zu cell%s had fewer than 4 trials on a side; with so few, no "
			"difference can reach p < 0.05 (use repeat >= 4, better 10).\n", small,
			small == 1 ? "" : "s");
}
