/* Throughput over time, as will-it-scale and fio users plot it: for each
 * cell of a duration step that took samples, the operations a second of
 * each interval between two samples, from its median trial (the counted
 * trial whose ops/s is nearest the cell's median: one real run, not an
 * average of runs that drifted differently). */
#include "chart.h"
#include "views.h"

#include <math.h>
#include <stdlib.h>

#define LEFT    80
#define PLOT_W  620
#define PLOT_H  280
#define PAD     10

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

int cl_view_timeline_svg(FILE *out, const struct cl_results *r)
{
	double tmax = 0, ymax = 0, div;
	size_t lines = 0;
	const char *unit;

	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_trial_result *t = median_trial(&r->cells[i]);

		for (size_t k = 0; t && k < t->nsamples; k++) {
			tmax = (double)t->samples[k].t_ns > tmax ? (double)t->samples[k].t_ns : tmax;
			ymax = rate(t, k) > ymax ? rate(t, k) : ymax;
		}
		lines += t != NULL;
	}
	if (!lines || tmax <= 0 || ymax <= 0)
		return -1;
	ymax *= 1.1;
	chart_rate_unit(ymax, &unit, &div);
	double legend_h = 18.0 * (double)lines, top = 50, bottom = top + PLOT_H;
	double width = LEFT + PLOT_W + 2 * PAD + 20;

	for (size_t i = 0; i < r->ncells; i++)
		if (median_trial(&r->cells[i]) && chart_text_px(r->cells[i].label) + 40 > width)
			width = chart_text_px(r->cells[i].label) + 40;
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 "
		"%.0f %.0f\" font-family=\"sans-serif\" font-size=\"%d\">\n<rect width=\"100%%\" "
		"height=\"100%%\" fill=\"white\"/>\n<text x=\"%d\" y=\"20\" font-size=\"15\" "
		"font-weight=\"bold\">", width, bottom + 50 + legend_h, width, bottom + 50 + legend_h,
		CHART_FONT_PX, PAD);
	cl_view_escaped(out, r->name, CL_ESCAPE_XML);
	fprintf(out, ": throughput over time</text>\n<text x=\"%d\" y=\"38\" fill=\"#555\">operations a "
		"second in each sampling interval of each cell's median trial</text>\n", PAD);
#define XPX(v) (LEFT + (v) / tmax * PLOT_W)
#define YPX(v) (bottom - (v) / ymax * PLOT_H)
	for (double v = 0, step = chart_step(ymax / div) * div; v <= ymax; v += step)
		fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" "
			"y=\"%.1f\" text-anchor=\"end\">%g</text>\n", LEFT, YPX(v), LEFT + PLOT_W, YPX(v),
			LEFT - 6, YPX(v) + 4, v / div);
	for (double v = 0, step = chart_step(tmax / 1e6) * 1e6; v <= tmax * 1.0001; v += step)
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n", XPX(v),
			bottom + 16, v / 1e6);
	size_t n = 0;

	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_trial_result *t = median_trial(&r->cells[i]);

		if (!t)
			continue;
		fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
			chart_color(n));
		for (size_t k = 0; k < t->nsamples; k++)
			fprintf(out, "%s%.1f,%.1f", k ? " " : "", XPX((double)t->samples[k].t_ns),
				YPX(rate(t, k)));
		fprintf(out, "\"/>\n<rect x=\"%d\" y=\"%.0f\" width=\"12\" height=\"3\" fill=\"%s\"/><text "
			"x=\"%d\" y=\"%.0f\">", PAD, bottom + 44 + 18.0 * (double)n, chart_color(n), PAD + 16,
			bottom + 49 + 18.0 * (double)n);
		cl_view_escaped(out, r->cells[i].label, CL_ESCAPE_XML);
		fprintf(out, "</text>\n");
		n++;
	}
	fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#222\"/><line x1=\"%d\" "
		"y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#222\"/>\n<text x=\"%d\" y=\"%.1f\" "
		"text-anchor=\"middle\">time in the window (ms)</text>\n<text transform=\"translate(18 %.1f) "
		"rotate(-90)\" text-anchor=\"middle\">ops/s (%s)</text>\n</svg>\n", LEFT, bottom,
		LEFT + PLOT_W, bottom, LEFT, top, LEFT, bottom, LEFT + PLOT_W / 2, bottom + 32,
		(top + bottom) / 2, unit);
#undef XPX
#undef YPX
	return 0;
}
