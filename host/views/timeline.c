/* Throughput over time, as will-it-scale and fio users plot it: for each
 * cell of a duration step that took samples, the operations a second of
 * each interval between two samples, from its median trial (the counted
 * trial whose ops/s is nearest the cell's median: one real run, not an
 * average of runs that drifted differently). A panel per workload and
 * swept value, a line per strategy+sync in it, as the sweep chart groups
 * them; and what report says when a chart would be empty. */
#define _GNU_SOURCE
#include "lines.h"
#include "views.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct cl_trial_result *median_trial(const struct cl_results_cell *c)
{
	const struct cl_trial_result *best = NULL;

	for (size_t i = 0; i < c->ntrials; i++) {
		const struct cl_trial_result *t = &c->trials[i];

		if (cl_trial_counts(t) && t->nsamples &&
		    (!best || fabs(t->ops_per_s - c->summary.ops_per_s.median) <
				      fabs(best->ops_per_s - c->summary.ops_per_s.median)))
			best = t;
	}
	return best;
}

/* Interval k's rate: from sample k-1 (or the window's start) to sample k. */
static double rate(const struct cl_trial_result *t, size_t k)
{
	int64_t t0 = k ? t->samples[k - 1].t_ns : 0;
	uint64_t o0 = k ? t->samples[k - 1].ops : 0;

	if (t->samples[k].t_ns <= t0 || t->samples[k].ops < o0)
		return 0;
	return (double)(t->samples[k].ops - o0) * 1e9 / (double)(t->samples[k].t_ns - t0);
}

static bool has_samples(const struct cl_results *r)
{
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_trial_result *t = median_trial(&r->cells[i]);

		for (size_t k = 0; t && k < t->nsamples; k++)
			if (t->samples[k].t_ns > 0 && rate(t, k) > 0)
				return true;
	}
	return false;
}

int cl_view_timeline_svg(FILE *out, const struct cl_results *r)
{
	struct chart_names families = { 0 };
	struct chart_lines ch = {
		.xkind = CHART_TIME, .ykind = CHART_RATE, .xtitle = "time in the window",
		.ytitle = "ops/s in the interval (higher is better)", .ylog = true, .plot_h = 220,
	};
	double width, height;
	char *title;

	if (!has_samples(r))
		return -1;
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_results_cell *c = &r->cells[i];
		const struct cl_trial_result *t = median_trial(c);
		char *panel, *family;
		struct chart_line *l;

		if (!t)
			continue;
		panel = chart_panel_of(r, c, NULL);
		family = chart_family_of(r, c, NULL);
		l = chart_group_line(chart_lines_group(&ch, panel), family);
		l->color = chart_name(&families, family, true);
		for (size_t k = 0; k < t->nsamples; k++)
			chart_line_point(l, (double)t->samples[k].t_ns, rate(t, k), NULL, NULL);
		free(panel);
		free(family);
	}
	ch.stable = families.n <= CHART_SERIES_MAX;
	if (asprintf(&title, "%s: throughput over time", r->name) < 0)
		cl_oom(NULL);
	width = fmax(chart_lines_width(&ch), CHART_TITLE_PX * (double)strlen(title) + 20);
	height = 50 + chart_lines_height(&ch);
	chart_begin(out, width, height, title, "operations a second in each sampling interval of each cell's "
		    "median trial; a panel per workload and swept value");
	chart_lines_draw(out, &ch, 50);
	fprintf(out, "</svg>\n");
	free(title);
	chart_lines_free(&ch);
	chart_names_free(&families);
	return 0;
}

const char *cl_view_chart_empty(const struct cl_results *r, enum cl_chart chart)
{
	bool any = false;

	for (size_t i = 0; i < r->ncells && !any; i++)
		any = r->cells[i].summary.ok > 0;
	if (!r->ncells)
		return "the results file has no cells";
	if ((chart == CL_CHART_FAIR || chart == CL_CHART_TIMELINE) && !cl_view_timed(r))
		return "the results file has no duration step: this chart is of ops/s (set duration_ms in a step)";
	if ((chart == CL_CHART_SWEEP || chart == CL_CHART_FAIR) && !cl_view_has_sweep(r))
		return "the results file has no swept setting to chart (a list of numbers, such as tasks = [1, 2, 4])";
	if (chart != CL_CHART_BARS && !any)
		return "no cell has an ok trial";
	if (chart == CL_CHART_TIMELINE && !has_samples(r))
		return "no cell has samples (set sample_ms in a duration step)";
	/* and what the view itself finds: nothing is said here that it does not do */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc = 0;

	if (!f)
		cl_oom(NULL);
	if (chart == CL_CHART_SWEEP)
		rc = cl_view_sweep_svg(f, r);
	else if (chart == CL_CHART_FAIR)
		rc = cl_view_sweep_fair_svg(f, r);
	else if (chart == CL_CHART_TIMELINE)
		rc = cl_view_timeline_svg(f, r);
	fclose(f);
	free(text);
	return rc ? "no cell of the sweep has an ok trial on the swept setting" : NULL;
}
