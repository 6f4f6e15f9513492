/* `conclab compare OLD.json NEW.json`: like Google Benchmark's compare.py, old
 * and new medians, their ratio, and whether the difference is significant. */
#include "compare.h"
#include "views.h"
#include "format.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool same_text(const char *a, const char *b)
{
	return a ? b && !strcmp(a, b) : !b;
}

/* The whole workload is part of the match: two cells that ran different
 * steps are different cells, whatever their labels. */
static bool same_cell(const struct cl_results_cell *a, const struct cl_results_cell *b)
{
	return same_text(a->workload, b->workload) && same_text(a->strategy, b->strategy) &&
	       same_text(a->sync, b->sync) && json_equal(a->params, b->params) &&
	       (!a->spec || !b->spec || json_equal(a->spec, b->spec)); /* 0.1 files have none */
}

int cl_compare_same_experiment(const struct cl_results *old, const struct cl_results *new,
			       char *why, size_t len)
{
	const char *a = old->config ? old->config : "", *b = new->config ? new->config : "";
	int line = 1;

	if (strcmp(old->name, new->name))
		return snprintf(why, len, "experiment '%s' against '%s'", old->name, new->name), -1;
	if (!strcmp(a, b))
		return 0;
	while (*a && *a == *b) {
		line += *a == '\n';
		a++, b++;
	}
	while (line > 1 && a > (old->config ? old->config : "") && a[-1] != '\n')
		a--, b--;
	return snprintf(why, len, "the configs differ from line %d: '%.*s' against '%.*s'", line,
			(int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b), -1;
}

/* Plugins whose version or ABI differs between the two runs: what a
 * before/after comparison is usually about, so said, not refused. */
static void plugin_changes(FILE *out, const struct cl_results *old, const struct cl_results *new)
{
	const json_t *a, *b;
	size_t i, k;

	json_array_foreach(json_object_get(old->environment, "plugins"), i, a)
		json_array_foreach(json_object_get(new->environment, "plugins"), k, b) {
			const char *na = json_string_value(json_object_get(a, "name"));
			const char *va = json_string_value(json_object_get(a, "version"));
			const char *vb = json_string_value(json_object_get(b, "version"));

			if (na && va && vb && same_text(na, json_string_value(json_object_get(b, "name"))) &&
			    strcmp(va, vb))
				fprintf(out, "plugin %s: version %s -> %s\n", na, va, vb);
		}
}

static const struct cl_results_cell *find_match(const struct cl_results *r,
						const struct cl_results_cell *cell)
{
	for (size_t i = 0; i < r->ncells; i++)
		if (same_cell(cell, &r->cells[i]))
			return &r->cells[i];
	return NULL;
}

void cl_compare(FILE *out, const char *old_name, const struct cl_results *old, const char *new_name,
		const struct cl_results *new, const struct cl_compare_opts *opts,
		struct cl_compare_counts *counts)
{
	double alpha = opts && opts->alpha > 0 ? opts->alpha : 0.05;
	double threshold = opts && opts->threshold >= 0 ? opts->threshold : CL_COMPARE_THRESHOLD;
	const char *flag = opts && opts->force ? "  [--force: different experiments]" : "";
	size_t w = 4;
	char m1[32], m2[32], verdict[96];
	double worst_min_p = 0;

	memset(counts, 0, sizeof *counts);
	for (size_t i = 0; i < old->ncells; i++)
		w = strlen(old->cells[i].label) > w ? strlen(old->cells[i].label) : w;
	fprintf(out, "compare: %s -> %s\n", old_name, new_name);
	plugin_changes(out, old, new);
	fprintf(out, "significant: Mann-Whitney U p < %g and a change of at least %g%% (--threshold: two "
		"runs of one config on one machine\ncan differ by a few percent, more than their trials "
		"within a run)\n%s\n", alpha, 100 * threshold, cl_view_timed(old) ? "old, new: median wall "
		"time; for a timed cell (a duration step) the median time per operation, 1e9 / ops/s\n" : "");
	fprintf(out, "%-*s  %10s  %10s  %8s  %8s  %s\n", (int)w, "cell", "old", "new", "new/old", "p",
		"verdict");
	for (size_t i = 0; i < old->ncells; i++) {
		const struct cl_results_cell *a = &old->cells[i], *b = find_match(new, a);
		struct cl_judgement j;

		if (!b)
			continue;
		counts->matched++;
		cl_judge(a, b, alpha, threshold, &j);
		counts->slower += j.verdict == CL_VERDICT_SLOWER;
		counts->faster += j.verdict == CL_VERDICT_FASTER;
		if (j.verdict == CL_VERDICT_INCONCLUSIVE) {
			counts->inconclusive++;
			worst_min_p = cl_min_p(j.na, j.nb) > worst_min_p ? cl_min_p(j.na, j.nb) : worst_min_p;
		}
		if (j.verdict == CL_VERDICT_NONE) {
			fprintf(out, "%-*s  %10s  %10s  %8s  %8s  %s%s\n", (int)w, a->label,
				j.na ? cl_format_ns(llround(cl_cell_figure(a)), m1, sizeof m1) : "-",
				j.nb ? cl_format_ns(llround(cl_cell_figure(b)), m2, sizeof m2) : "-",
				"-", "-", cl_verdict_text(&j, alpha, verdict, sizeof verdict), flag);
			continue;
		}
		fprintf(out, "%-*s  %10s  %10s  %7.3fx  %8.3g  %s%s\n", (int)w, a->label,
			cl_format_ns(llround(cl_cell_figure(a)), m1, sizeof m1),
			cl_format_ns(llround(cl_cell_figure(b)), m2, sizeof m2), j.ratio, j.p,
			cl_verdict_text(&j, alpha, verdict, sizeof verdict), flag);
	}
	for (size_t i = 0; i < old->ncells; i++)
		if (!find_match(new, &old->cells[i])) {
			if (!counts->only_old++)
				fprintf(out, "\nonly in %s:\n", old_name);
			fprintf(out, "  %s\n", old->cells[i].label);
		}
	for (size_t j = 0; j < new->ncells; j++)
		if (!find_match(old, &new->cells[j])) {
			if (!counts->only_new++)
				fprintf(out, "\nonly in %s:\n", new_name);
			fprintf(out, "  %s\n", new->cells[j].label);
		}
	if (counts->inconclusive)
		fprintf(out, "\ninconclusive: %zu cell%s had too few trials for any difference to reach "
			"p < %g (with theirs, the smallest p the test can give is %.3g); use at least %zu "
			"trials each (repeat).\n", counts->inconclusive, counts->inconclusive == 1 ? "" : "s",
			alpha, worst_min_p, cl_trials_for(alpha));
}
