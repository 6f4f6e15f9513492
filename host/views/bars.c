/* The bar charts: median wall time per cell, one panel per group of cells
 * judged against one baseline (a workload, one value of each sweep), each
 * with its own axis; and the updates each cell lost. Bars on linear axes
 * only: when a panel's times span more than 50x, dots on a log axis, whose
 * length would mean nothing. */
#define _GNU_SOURCE
#include "chart.h"
#include "views.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ROW       18
#define LEFT_PAD  10

/* Each cell's colour (malloc'ed array): its sync's place among the syncs
 * of the results, the legend's order. */
static const char **sync_colors(const struct cl_results *r)
{
	struct chart_names ns = { 0 };
	const char **colors = cl_xcalloc(r->ncells + 1, sizeof *colors);

	for (size_t i = 0; i < r->ncells; i++)
		colors[i] = chart_color(chart_name(&ns, r->cells[i].sync, true));
	chart_names_free(&ns);
	return colors;
}

/* "strategy+sync" (malloc'ed): the bar's own label in its panel. */
static char *bar_label(const struct cl_results_cell *c)
{
	char *s;

	if (asprintf(&s, "%s+%s", c->strategy, c->sync) < 0)
		cl_oom(NULL);
	return s;
}

/* "io: tasks=4 threads.workers=2" (malloc'ed); "" for a lone panel. */
static char *panel_title(const struct cl_results_cell *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *key;
	json_t *v;

	if (c->workload)
		fprintf(f, "%s%s", c->workload, json_object_size(c->sweep) ? ":" : "");
	json_object_foreach(c->sweep, key, v)
		fprintf(f, "%s%s=%lld", c->workload || key != json_object_iter_key(json_object_iter(c->sweep))
					  ? " " : "", key, (long long)json_integer_value(v));
	fclose(f);
	return buf;
}

static bool plotted(const struct cl_results_cell *c)
{
	return c->summary.ok && c->summary.wall.median > 0;
}

/* The legend's swatches, wrapped to the width; returns the rows used. */
static int legend(FILE *out, const struct cl_results *r, double y, double width)
{
	struct chart_names shown = { 0 };
	double x = LEFT_PAD;
	int rows = 1;

	for (size_t i = 0; i < r->ncells; i++) {
		const char *sync = r->cells[i].sync;
		double w = 24 + chart_text_px(sync);

		size_t seen = shown.n, k = chart_name(&shown, sync, true);

		if (k < seen)
			continue;
		if (x + w > width - LEFT_PAD && x > LEFT_PAD) {
			x = LEFT_PAD;
			rows++;
		}
		fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
			"<text x=\"%.0f\" y=\"%.0f\">", x, y + (rows - 1) * 18, chart_color(k), x + 16,
			y + 10 + (rows - 1) * 18);
		cl_view_escaped(out, sync, CL_ESCAPE_XML);
		fprintf(out, "</text>\n");
		x += w;
	}
	chart_names_free(&shown);
	return rows;
}

/* One panel from y; returns its height. */
static double panel(FILE *out, const struct cl_results *r, const char **colors, size_t base, double y,
		    double label_w,
		    double width)
{
	double lo = INFINITY, hi = 0, top, start = y;
	const char *unit;
	double div;
	char *title = panel_title(&r->cells[base]);
	size_t n = 0;

	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_stats *w = &r->cells[i].summary.wall;

		if (r->cells[i].baseline != base || !plotted(&r->cells[i]))
			continue;
		lo = w->min > 0 && w->min < lo ? w->min : lo;
		hi = w->max > hi ? w->max : hi;
		n++;
	}
	struct chart_axis a = { .log = hi / lo > 50, .lo = lo, .hi = hi * 1.05, .x0 = label_w,
				.x1 = width - 30 };

	if (a.log) { /* whole decades */
		a.lo = pow(10, floor(log10(lo)));
		a.hi = pow(10, ceil(log10(hi)));
	}
	chart_unit(a.hi, &unit, &div);
	top = y;
	if (*title) {
		fprintf(out, "<text x=\"%d\" y=\"%.1f\" font-weight=\"bold\">", LEFT_PAD, y + 12);
		cl_view_escaped(out, title, CL_ESCAPE_XML);
		fprintf(out, "%s</text>\n", a.log ? " (log scale: dots)" : "");
		top += 18;
	}
	chart_ticks(out, &a, top, top + (double)n * ROW, div);
	y = top;
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_results_cell *c = &r->cells[i];
		const struct cl_stats *w = &c->summary.wall;
		char *label;
		double mid = y + ROW / 2.0 - 1;

		if (c->baseline != base || !plotted(c))
			continue;
		label = bar_label(c);
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", label_w - 6, y + 12);
		cl_view_escaped(out, label, CL_ESCAPE_XML);
		fprintf(out, "</text>\n");
		if (a.log)
			fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\">", chart_px(&a, w->median),
				mid, colors[i]);
		else
			fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\">",
				a.x0, y + 2, chart_px(&a, w->median) - a.x0, ROW - 5, colors[i]);
		fprintf(out, "<title>");
		cl_view_escaped(out, c->label, CL_ESCAPE_XML);
		fprintf(out, ": median %g %s</title></%s>\n", w->median / div, unit, a.log ? "circle" : "rect");
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>"
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>"
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n",
			chart_px(&a, w->min), mid, chart_px(&a, w->max), mid, chart_px(&a, w->min), y + 4,
			chart_px(&a, w->min), y + ROW - 5, chart_px(&a, w->max), y + 4, chart_px(&a, w->max),
			y + ROW - 5);
		free(label);
		y += ROW;
	}
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n"
		"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">wall time (%s)</text>\n", a.x0, y, a.x1,
		y, (a.x0 + a.x1) / 2, y + 28, unit);
	free(title);
	return y + 40 - start;
}

void cl_view_bars_svg(FILE *out, const struct cl_results *r)
{
	char *body = NULL, *title;
	size_t len = 0;
	FILE *f = open_memstream(&body, &len);
	double label_w = 90, width = 900, y;
	int legend_rows;
	const char **colors = sync_colors(r);

	if (asprintf(&title, "%s: median wall time per cell", r->name) < 0)
		cl_oom(NULL);
	for (size_t i = 0; i < r->ncells; i++) {
		char *label = bar_label(&r->cells[i]), *pt = panel_title(&r->cells[i]);
		double w = chart_text_px(label) + 16;

		label_w = w > label_w ? w : label_w;
		width = chart_text_px(pt) + 200 > width ? chart_text_px(pt) + 200 : width;
		free(label);
		free(pt);
	}
	width = label_w + 500 > width ? label_w + 500 : width;
	width = CHART_TITLE_PX * (double)strlen(title) + 2 * LEFT_PAD > width
			? CHART_TITLE_PX * (double)strlen(title) + 2 * LEFT_PAD : width;
	legend_rows = legend(f, r, 50, width);
	y = 50 + legend_rows * 18 + 10;
	for (size_t b = 0; b < r->ncells; b++) {
		bool has = false;

		for (size_t i = 0; i < r->ncells && !has; i++)
			has = r->cells[i].baseline == b && plotted(&r->cells[i]);
		if (has)
			y += panel(f, r, colors, b, y, label_w, width);
	}
	fclose(f);
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"%d\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<text x=\"%d\" y=\"20\" "
		"font-size=\"15\" font-weight=\"bold\">", width, y, width, y, CHART_FONT_PX, LEFT_PAD);
	cl_view_escaped(out, title, CL_ESCAPE_XML);
	fprintf(out, "</text>\n<text x=\"%d\" y=\"38\" fill=\"#555\">bar: median of the ok trials; "
		"whisker: min-max; one panel per workload and sweep value, each on its own axis</text>\n%s"
		"</svg>\n", LEFT_PAD, body);
	free(body);
	free(title);
	free(colors);
}

/* ---- lost updates ----------------------------------------------------------- */

bool cl_view_has_counter(const struct cl_results *r)
{
	for (size_t i = 0; i < r->ncells; i++)
		if (r->cells[i].summary.ok && r->cells[i].summary.counter_expected)
			return true;
	return false;
}

int cl_view_lost_svg(FILE *out, const struct cl_results *r)
{
	double label_w = 90, width = 900, y, x1;
	size_t n = 0;
	const char **colors;
	char *title;

	if (!cl_view_has_counter(r))
		return -1;
	colors = sync_colors(r);
	if (asprintf(&title, "%s: updates lost (median share of the expected count)", r->name) < 0)
		cl_oom(NULL);
	for (size_t i = 0; i < r->ncells; i++) {
		double w = chart_text_px(r->cells[i].label) + 16;

		label_w = w > label_w ? w : label_w;
		n += r->cells[i].summary.ok && r->cells[i].summary.counter_expected;
	}
	width = label_w + 500 > width ? label_w + 500 : width;
	width = CHART_TITLE_PX * (double)strlen(title) + 2 * LEFT_PAD > width
			? CHART_TITLE_PX * (double)strlen(title) + 2 * LEFT_PAD : width;
	x1 = width - 110; /* room for "lost 100.0%" after the longest bar */
	y = 56;
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"%d\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<text x=\"%d\" y=\"20\" "
		"font-size=\"15\" font-weight=\"bold\">", width, y + (double)n * ROW + 50, width,
		y + (double)n * ROW + 50, CHART_FONT_PX, LEFT_PAD);
	cl_view_escaped(out, title, CL_ESCAPE_XML);
	fprintf(out, "</text>\n<text x=\"%d\" y=\"38\" fill=\"#555\">0%%: every update kept (an exact "
		"sync); a sync that promises no exactness shows the race</text>\n", LEFT_PAD);
	struct chart_axis a = { .lo = 0, .hi = 100, .x0 = label_w, .x1 = x1 };

	chart_ticks(out, &a, y, y + (double)n * ROW, 1);
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_results_cell *c = &r->cells[i];
		const struct cl_cell_summary *s = &c->summary;
		double pct;

		if (!s->ok || !s->counter_expected)
			continue;
		pct = 100.0 * (double)s->lost_median / (double)s->counter_expected;
		pct = pct < 0 ? 0 : pct > 100 ? 100 : pct;
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", label_w - 6, y + 12);
		cl_view_escaped(out, c->label, CL_ESCAPE_XML);
		fprintf(out, "</text>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
			"fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\">", a.x0, y + 2, chart_px(&a, pct) - a.x0,
			ROW - 5, colors[i], chart_px(&a, pct) + 4, y + 12);
		if (s->lost_median > 0)
			fprintf(out, "lost %.1f%%</text>\n", pct);
		else
			fprintf(out, "exact</text>\n");
		y += ROW;
	}
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n"
		"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">updates lost (%%)</text>\n</svg>\n",
		a.x0, y, a.x1, y, (a.x0 + a.x1) / 2, y + 28);
	free(title);
	free(colors);
	return 0;
}
