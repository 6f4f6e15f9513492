/* `conclab compare OLD.json NEW.json`: like Google Benchmark's compare.py, old
 * and new medians, their ratio, and whether the difference is significant. */
#include "compare.h"
#include "format.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static bool same_text(const char *a, const char *b)
{
	return a ? b && !strcmp(a, b) : !b;
}

static bool same_cell(const struct cl_results_cell *a, const struct cl_results_cell *b)
{
	return same_text(a->workload, b->workload) && same_text(a->strategy, b->strategy) &&
	       same_text(a->sync, b->sync) && json_equal(a->params, b->params);
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
	size_t w = 4, small = 0;
	char m1[32], m2[32];

	memset(counts, 0, sizeof *counts);
	for (size_t i = 0; i < old->ncells; i++)
		w = strlen(old->cells[i].label) > w ? strlen(old->cells[i].label) : w;
	fprintf(out, "compare: %s -> %s\n", old_name, new_name);
	fprintf(out, "significant: Mann-Whitney U p < %g and a change of at least %g%% (--threshold: two "
		"runs of one config on one machine\ncan differ by a few percent, more than their trials "
		"within a run)\n\n", alpha, 100 * threshold);
	fprintf(out, "%-*s  %10s  %10s  %8s  %8s  %s\n", (int)w, "cell", "old", "new", "new/old", "p",
		"verdict");
	for (size_t i = 0; i < old->ncells; i++) {
		const struct cl_results_cell *a = &old->cells[i], *b = find_match(new, a);

		if (!b)
			continue;
		double *x, *y, p;
		size_t nx = cl_results_walls(a, &x), ny = cl_results_walls(b, &y);
		const struct cl_stats *sx = &a->summary.wall, *sy = &b->summary.wall;
		const char *verdict;

		counts->matched++;
		p = cl_mann_whitney(y, ny, x, nx, NULL);
		double ratio = sx->median > 0 ? sy->median / sx->median : 0;

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
		fprintf(out, "%-*s  %10s  %10s  %7.3fx  %8.3g  %s\n", (int)w, a->label,
			cl_format_ns((int64_t)sx->median, m1, sizeof m1),
			cl_format_ns((int64_t)sy->median, m2, sizeof m2), ratio, p, verdict);
		free(x);
		free(y);
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
	if (small)
		fprintf(out, "\nnote: %zu cell%s had fewer than 4 trials on a side; with so few, no "
			"difference can reach p < 0.05 (use repeat >= 4, better 10).\n", small,
			small == 1 ? "" : "s");
}
