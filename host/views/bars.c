/* The bar charts: per cell its figure, one panel per group of cells judged
 * against one baseline (a workload, one value of each sweep), each with its
 * own axis; and the updates each cell lost. A cell's figure is the one it
 * is ranked by: ops/s for a timed cell (its wall time is its duration_ms,
 * the same for every cell), the wall time for any other. Bars on linear
 * axes only: when a panel spans more than 50x, dots on a log axis, whose
 * length would mean nothing. A cell with failed trials is hatched and says
 * how many counted; one with none says so where its bar would be. */
#define _GNU_SOURCE
#include "chart.h"
#include "views.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ROW       18
#define LEFT_PAD  10
#define VALUE_W   130 /* right of the axis: "14.7M  5/6 ok" after a whisker */
#define HATCH     "hatch-bars"

/* Each cell's colour (malloc'ed array): its sync's place among the syncs
 * of the results, as the legend shows; one colour for all when there are
 * more syncs than colours told apart (every bar is named anyway). */
static const char **sync_colors(const struct cl_results *r, size_t *nsyncs)
{
	struct chart_names ns = { 0 };
	const char **colors = cl_xcalloc(r->ncells + 1, sizeof *colors);

	for (size_t i = 0; i < r->ncells; i++)
		chart_name(&ns, r->cells[i].sync, true);
	for (size_t i = 0; i < r->ncells; i++)
		colors[i] = chart_color(ns.n <= CHART_SERIES_MAX ? chart_name(&ns, r->cells[i].sync, false) : 0);
	*nsyncs = ns.n;
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
	char *buf = NULL, text[256];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *key;
	json_t *v;
	int n = 0;

	if (!f)
		cl_oom(NULL);
	if (c->workload)
		fprintf(f, "%s%s", c->workload, json_object_size(c->sweep) ? ":" : "");
	json_object_foreach(c->sweep, key, v) {
		chart_sweep_value(v, text, sizeof text);
		fprintf(f, "%s%s=%s", c->workload || n++ ? " " : "", key, text);
	}
	fclose(f);
	return buf;
}

/* The figure a bar shows, its min and max. */
static bool figure(const struct cl_results_cell *c, bool rate, double *med, double *min, double *max)
{
	const struct cl_stats *s = rate ? &c->summary.ops_per_s : &c->summary.wall;

	*med = s->median, *min = s->min, *max = s->max;
	return c->summary.ok && *med > 0 && (!rate || c->summary.timed);
}

/* The legend: a swatch per sync where they have a colour each, else their
 * names; and the hatching, where a cell has failed trials. Returns the
 * rows used. */
static int legend(FILE *out, const struct cl_results *r, size_t nsyncs, double y, double width)
{
	struct chart_names shown = { 0 };
	double x = LEFT_PAD;
	int rows = 1;
	bool partial = false, colored = nsyncs <= CHART_SERIES_MAX;

	if (!colored) {
		fprintf(out, "<text x=\"%d\" y=\"%.0f\" fill=\"#555\">%zu syncs, too many to tell apart by colour "
			"(every bar is named):</text>\n", LEFT_PAD, y + 10, nsyncs);
		rows++;
	}
	for (size_t i = 0; i < r->ncells; i++) {
		const char *sync = r->cells[i].sync;
		double w = (colored ? 24 : 10) + chart_text_px(sync);
		size_t seen = shown.n, k = chart_name(&shown, sync, true);

		partial |= r->cells[i].summary.ok && chart_partial(&r->cells[i].summary);
		if (k < seen)
			continue;
		if (x + w > width - LEFT_PAD && x > LEFT_PAD)
			x = LEFT_PAD, rows++;
		if (colored)
			fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"%s\"/>", x,
				y + (rows - 1) * 18, chart_color(k));
		fprintf(out, "<text x=\"%.0f\" y=\"%.0f\">", x + (colored ? 16 : 0), y + 10 + (rows - 1) * 18);
		cl_view_escaped(out, sync, CL_ESCAPE_XML);
		fprintf(out, "</text>\n");
		x += w;
	}
	if (partial) {
		y += rows++ * 18;
		fprintf(out, "<rect x=\"%d\" y=\"%.0f\" width=\"24\" height=\"12\" fill=\"#888\"/><rect x=\"%d\" "
			"y=\"%.0f\" width=\"24\" height=\"12\" fill=\"url(#%s)\"/><text x=\"%d\" y=\"%.0f\">hatched: some "
			"of the cell's trials failed (\"k/n ok\": k of its n trials counted)</text>\n", LEFT_PAD, y,
			LEFT_PAD, y, HATCH, LEFT_PAD + 30, y + 10);
	}
	chart_names_free(&shown);
	return rows;
}

/* A bar's marks: the bar (or dot), its whisker, its value and "k/n ok". */
static void bar(FILE *out, const struct cl_results_cell *c, const struct chart_axis *a, enum chart_kind kind,
		const char *color, double y)
{
	double med, min, max, mid = y + ROW / 2.0 - 1;
	char value[32], lo[32], hi[32], ok[32];

	figure(c, kind == CHART_RATE, &med, &min, &max);
	chart_value(kind, med, value, sizeof value);
	chart_value(kind, min, lo, sizeof lo);
	chart_value(kind, max, hi, sizeof hi);
	chart_ok_text(&c->summary, ok, sizeof ok);
	if (a->log)
		fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"%s>", chart_px(a, med), mid, color,
			*ok ? " stroke=\"#222\" fill-opacity=\"0.45\"" : "");
	else
		fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\">", a->x0, y + 2,
			chart_px(a, med) - a->x0, ROW - 5, color);
	fprintf(out, "<title>");
	cl_view_escaped(out, c->label, CL_ESCAPE_XML);
	fprintf(out, ": median %s%s (min %s, max %s)%s%s</title></%s>\n", value, kind == CHART_RATE ? " ops/s" : "",
		lo, hi, *ok ? ", " : "", ok, a->log ? "circle" : "rect");
	if (*ok && !a->log)
		fprintf(out, "<rect class=\"hatched\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
			"fill=\"url(#%s)\"/>\n", a->x0, y + 2, chart_px(a, med) - a->x0, ROW - 5, HATCH);
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>"
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>"
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n",
		chart_px(a, min), mid, chart_px(a, max), mid, chart_px(a, min), y + 4, chart_px(a, min), y + ROW - 5,
		chart_px(a, max), y + 4, chart_px(a, max), y + ROW - 5);
	fprintf(out, "<text class=\"value\" x=\"%.1f\" y=\"%.1f\" fill=\"#333\">%s%s<tspan fill=\"#a40\">%s"
		"</tspan></text>\n", fmax(chart_px(a, max), chart_px(a, med) + 5) + 5, y + 12, value,
		*ok ? "  " : "", ok);
}

/* One panel from y; returns its height. */
static double panel(FILE *out, const struct cl_results *r, const char **colors, size_t base, double y,
		    double label_w, double width)
{
	double lo = INFINITY, hi = 0, top, start = y, med, min, max;
	char *title = panel_title(&r->cells[base]);
	size_t n = 0;
	bool rate = false;

	for (size_t i = 0; i < r->ncells; i++)
		rate |= r->cells[i].baseline == base && r->cells[i].summary.timed;
	for (size_t i = 0; i < r->ncells; i++) {
		if (r->cells[i].baseline != base)
			continue;
		n++;
		if (figure(&r->cells[i], rate, &med, &min, &max)) {
			lo = fmin(lo, min > 0 ? min : med);
			hi = fmax(hi, max);
		}
	}
	struct chart_axis a = { .x0 = label_w, .x1 = width - VALUE_W };
	enum chart_kind kind = rate ? CHART_RATE : CHART_TIME;
	const char *unit;

	chart_axis_fit(&a, isfinite(lo) ? lo : 0, hi, true);
	a.x0 = label_w, a.x1 = width - VALUE_W;
	unit = chart_axis_unit(&a, kind);
	top = y;
	if (*title || a.log) {
		fprintf(out, "<text x=\"%d\" y=\"%.1f\" font-weight=\"bold\">", LEFT_PAD, y + 12);
		cl_view_escaped(out, title, CL_ESCAPE_XML);
		fprintf(out, "%s%s</text>\n", *title && a.log ? " " : "", a.log ? "(log scale: dots)" : "");
		top += 18;
	}
	chart_ticks(out, &a, kind, top, top + (double)n * ROW);
	y = top;
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_results_cell *c = &r->cells[i];
		char *label;

		if (c->baseline != base)
			continue;
		label = bar_label(c);
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", label_w - 6, y + 12);
		cl_view_escaped(out, label, CL_ESCAPE_XML);
		fprintf(out, "</text>\n");
		if (figure(c, rate, &med, &min, &max))
			bar(out, c, &a, kind, colors[i], y);
		else /* where its bar would be: that nothing counted */
			fprintf(out, "<text class=\"failed\" x=\"%.1f\" y=\"%.1f\" fill=\"#a40\">%zu/%zu ok: %s</text>\n",
				label_w + 4, y + 12, c->summary.ok, c->summary.measured,
				c->summary.ok ? "no figure to draw" : "no trial counted");
		free(label);
		y += ROW;
	}
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n"
		"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s%s%s%s, %s is better</text>\n", a.x0, y,
		a.x1, y, (a.x0 + a.x1) / 2, y + 30, rate ? "median ops/s" : "median wall time", *unit ? " (" : "",
		unit, *unit ? ")" : "", rate ? "higher" : "lower");
	free(title);
	return y + 42 - start;
}

void cl_view_bars_svg(FILE *out, const struct cl_results *r)
{
	char *body = NULL, *title;
	size_t len = 0, nsyncs, timed = 0;
	FILE *f = open_memstream(&body, &len);
	double label_w = 90, width = 900, y;
	const char **colors = sync_colors(r, &nsyncs);

	if (!f)
		cl_oom(NULL);
	for (size_t i = 0; i < r->ncells; i++)
		timed += r->cells[i].summary.timed;
	if (asprintf(&title, "%s: median %s per cell", r->name, !timed ? "wall time"
			 : timed == r->ncells ? "operations a second" : "ops/s (timed cells) or wall time") < 0)
		cl_oom(NULL);
	for (size_t i = 0; i < r->ncells; i++) {
		char *label = bar_label(&r->cells[i]), *pt = panel_title(&r->cells[i]);

		label_w = fmax(label_w, chart_text_px(label) + 16);
		width = fmax(width, chart_text_px(pt) + 200);
		free(label);
		free(pt);
	}
	width = fmax(width, label_w + 420 + VALUE_W);
	width = fmax(width, CHART_TITLE_PX * (double)strlen(title) + 2 * LEFT_PAD);
	chart_hatch_def(f, HATCH);
	y = 50 + legend(f, r, nsyncs, 50, width) * 18 + 10;
	for (size_t b = 0; b < r->ncells; b++) {
		bool has = false;

		for (size_t i = 0; i < r->ncells && !has; i++)
			has = r->cells[i].baseline == b;
		if (has)
			y += panel(f, r, colors, b, y, label_w, width);
	}
	fclose(f);
	chart_begin(out, width, y, title, "bar: median of the ok trials; whisker: min-max; one panel per "
		    "workload and sweep value, each on its own axis");
	fprintf(out, "%s</svg>\n", body);
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

bool chart_counter_news(const struct cl_results *r, size_t *cells)
{
	bool news = false;

	*cells = 0;
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_cell_summary *s = &r->cells[i].summary;

		if (!s->ok || !s->counter_expected)
			continue;
		++*cells;
		news |= s->inexact || s->lost_median > 0 || s->counter_exact < s->ok;
	}
	return news;
}

int cl_view_lost_svg(FILE *out, const struct cl_results *r)
{
	double label_w = 90, width = 900, y, x1, height;
	size_t n = 0, nsyncs, n_partial = 0;
	const char **colors;
	char *title, ok[32];

	if (!cl_view_has_counter(r))
		return -1;
	colors = sync_colors(r, &nsyncs);
	if (asprintf(&title, "%s: updates lost (median share of the expected count)", r->name) < 0)
		cl_oom(NULL);
	for (size_t i = 0; i < r->ncells; i++) {
		label_w = fmax(label_w, chart_text_px(r->cells[i].label) + 16);
		n += r->cells[i].summary.ok && r->cells[i].summary.counter_expected;
	}
	width = fmax(width, label_w + 500);
	width = fmax(width, CHART_TITLE_PX * (double)strlen(title) + 2 * LEFT_PAD);
	x1 = width - 150; /* room for "lost 100.0%  5/6 ok" after the longest bar */
	y = 56;
	height = y + (double)n * ROW + 50;
	for (size_t i = 0; i < r->ncells; i++)
		n_partial += r->cells[i].summary.ok && r->cells[i].summary.counter_expected &&
			     chart_partial(&r->cells[i].summary);
	chart_begin(out, width, height, title, n_partial ? "0%: every update kept (an exact sync); a sync that "
		    "promises no exactness shows the race; hatched: some trials failed" : "0%: every update kept (an "
		    "exact sync); a sync that promises no exactness shows the race");
	chart_hatch_def(out, "hatch-lost");
	struct chart_axis a = { .lo = 0, .hi = 100, .x0 = label_w, .x1 = x1 };

	chart_ticks(out, &a, CHART_PLAIN, y, y + (double)n * ROW);
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_results_cell *c = &r->cells[i];
		const struct cl_cell_summary *s = &c->summary;
		double pct;

		if (!s->ok || !s->counter_expected)
			continue;
		pct = 100.0 * (double)s->lost_median / (double)s->counter_expected;
		pct = pct < 0 ? 0 : pct > 100 ? 100 : pct;
		chart_ok_text(s, ok, sizeof ok);
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", label_w - 6, y + 12);
		cl_view_escaped(out, c->label, CL_ESCAPE_XML);
		fprintf(out, "</text>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
			a.x0, y + 2, chart_px(&a, pct) - a.x0, ROW - 5, colors[i]);
		if (*ok)
			fprintf(out, "<rect class=\"hatched\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
				"fill=\"url(#hatch-lost)\"/>\n", a.x0, y + 2, chart_px(&a, pct) - a.x0, ROW - 5);
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">", chart_px(&a, pct) + 4, y + 12);
		if (s->lost_median > 0)
			fprintf(out, "lost %.1f%%", pct);
		else
			fprintf(out, "exact");
		fprintf(out, "<tspan fill=\"#a40\">%s%s</tspan></text>\n", *ok ? "  " : "", ok);
		y += ROW;
	}
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n"
		"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">updates lost (%%), lower is better</text>\n"
		"</svg>\n", a.x0, y, a.x1, y, (a.x0 + a.x1) / 2, y + 28);
	free(title);
	free(colors);
	return 0;
}
