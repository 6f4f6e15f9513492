/* The sweep chart: median wall time (or, for a duration step, operations a
 * second and fairness) against a swept setting, one line per strategy+sync. The setting with the most values is the x axis; every
 * other swept setting (and each workload) gets a panel of its own, so a
 * two-key sweep is never drawn as dozens of lines over one axis. */
#define _GNU_SOURCE
#include "chart.h"
#include "views.h"
#include "xalloc.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LEFT    80
#define PLOT_W  560
#define PLOT_H  260
#define PAD     10

/* The swept setting with the most distinct values (malloc'ed), or NULL. */
static char *x_key(const struct cl_results *r)
{
	struct chart_names keys = { 0 };
	const char *best = NULL;
	size_t most = 1;

	for (size_t i = 0; i < r->ncells; i++) {
		const char *key;
		json_t *v;

		json_object_foreach(r->cells[i].sweep, key, v)
			chart_name(&keys, key, true);
	}
	for (size_t k = 0; k < keys.n; k++) {
		struct chart_names values = { 0 };

		for (size_t i = 0; i < r->ncells; i++) {
			const json_t *v = json_object_get(r->cells[i].sweep, keys.v[k]);
			char text[32];

			if (!json_is_integer(v))
				continue;
			snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
			chart_name(&values, text, true);
		}
		if (values.n > most) {
			most = values.n;
			best = keys.v[k];
		}
		chart_names_free(&values);
	}
	char *key = best ? cl_xstrdup(best) : NULL;

	chart_names_free(&keys);
	return key;
}

bool cl_view_has_sweep(const struct cl_results *r)
{
	char *key = x_key(r);

	free(key);
	return key != NULL;
}

/* The cell's panel: its workload and every other swept setting (malloc'ed). */
static char *panel_of(const struct cl_results_cell *c, const char *xkey)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *key;
	json_t *v;
	int n = 0;

	if (c->workload)
		fprintf(f, "%s", c->workload), n++;
	json_object_foreach(c->sweep, key, v)
		if (strcmp(key, xkey) && json_is_string(v))
			fprintf(f, "%s%s=%s", n++ ? " " : "", key, json_string_value(v));
		else if (strcmp(key, xkey))
			fprintf(f, "%s%s=%lld", n++ ? " " : "", key, (long long)json_integer_value(v));
	fclose(f);
	return buf;
}

static char *family_of(const struct cl_results_cell *c)
{
	char *s;

	if (asprintf(&s, "%s+%s", c->strategy, c->sync) < 0)
		cl_oom(NULL);
	return s;
}

/* What a chart's y axis shows. */
struct metric {
	const char *title, *axis;
	double    (*of)(const struct cl_results_cell *c);
	bool        rate;  /* operations a second: k, M, G */
	bool        unit;  /* 0 to 1: no unit, no log scale */
};

static double wall_of(const struct cl_results_cell *c) { return c->summary.wall.median; }
static double ops_of(const struct cl_results_cell *c) { return c->summary.timed ? c->summary.ops_per_s.median : 0; }
static double jain_of(const struct cl_results_cell *c) { return c->summary.timed ? c->summary.jain : 0; }

static const struct metric wall_metric = { "median wall time", "median wall", wall_of, false, false };
static const struct metric ops_metric = { "operations a second", "median ops/s", ops_of, true, false };
static const struct metric fair_metric = { "fairness (Jain's index of the tasks' counts)",
					   "median Jain's index", jain_of, false, true };

static const struct metric *metric;

static bool point(const struct cl_results_cell *c, const char *key, double *x)
{
	const json_t *v = json_object_get(c->sweep, key);

	*x = (double)json_integer_value(v);
	return json_is_integer(v) && c->summary.ok && metric->of(c) > 0;
}

/* Where each cell goes, worked out once: its panel and its line (SIZE_MAX
 * for a cell that is not a point of the chart) and its x. */
struct sweep {
	char              *key;
	struct chart_names panels, families;
	size_t            *panel, *family;
	double            *x;
};

static void sweep_build(struct sweep *s, const struct cl_results *r, char *key)
{
	s->key = key;
	s->panel = cl_xcalloc(r->ncells + 1, sizeof *s->panel);
	s->family = cl_xcalloc(r->ncells + 1, sizeof *s->family);
	s->x = cl_xcalloc(r->ncells + 1, sizeof *s->x);
	for (size_t i = 0; i < r->ncells; i++) {
		char *fam, *p;

		s->panel[i] = s->family[i] = SIZE_MAX;
		if (!point(&r->cells[i], key, &s->x[i]))
			continue;
		fam = family_of(&r->cells[i]);
		p = panel_of(&r->cells[i], key);
		s->family[i] = chart_name(&s->families, fam, true);
		s->panel[i] = chart_name(&s->panels, p, true);
		free(fam);
		free(p);
	}
}

static void sweep_free(struct sweep *s)
{
	chart_names_free(&s->panels);
	chart_names_free(&s->families);
	free(s->panel);
	free(s->family);
	free(s->x);
	free(s->key);
}

/* One panel at y: axes, ticks, a line and dots per family. */
static void panel(FILE *out, const struct cl_results *r, const struct sweep *s, size_t p, double y)
{
	const char *key = s->key, *name = s->panels.v[p];
	double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = 0, top = y + 20;
	double bottom = top + PLOT_H;
	struct chart_names ticks = { 0 };
	const char *unit;
	double div;

	for (size_t i = 0; i < r->ncells; i++) {
		double md = metric->of(&r->cells[i]);

		if (s->panel[i] != p)
			continue;
		xmin = s->x[i] < xmin ? s->x[i] : xmin;
		xmax = s->x[i] > xmax ? s->x[i] : xmax;
		ymin = md < ymin ? md : ymin;
		ymax = md > ymax ? md : ymax;
	}
	if (xmin >= xmax)
		xmax = xmin + 1;
	bool xlog = xmin > 0 && xmax / xmin >= 8, ylog = !metric->unit && ymin > 0 && ymax / ymin > 50;
	double ylo = ylog ? pow(10, floor(log10(ymin))) : 0;
	double yhi = metric->unit ? 1 : ylog ? pow(10, ceil(log10(ymax))) : ymax * 1.1;

	if (metric->rate)
		chart_rate_unit(yhi, &unit, &div);
	else if (metric->unit)
		unit = "", div = 1;
	else
		chart_unit(yhi, &unit, &div);
#define XPX(v) (LEFT + (xlog ? log2((v) / xmin) / log2(xmax / xmin) : ((v) - xmin) / (xmax - xmin)) * PLOT_W)
#define YPX(v) (bottom - (ylog ? (log10(v) - log10(ylo)) / (log10(yhi) - log10(ylo)) : (v) / yhi) * PLOT_H)
	fprintf(out, "<text x=\"%d\" y=\"%.1f\" font-weight=\"bold\">", PAD, y + 12);
	char scales[64];

	snprintf(scales, sizeof scales, "%s%s%s", xlog ? "x: log2 scale" : "", xlog && ylog ? ", " : "",
		 ylog ? "y: log scale" : "");
	cl_view_escaped(out, name, CL_ESCAPE_XML);
	fprintf(out, "%s%s%s</text>\n", *name && *scales ? " (" : "", scales, *name && *scales ? ")" : "");
	for (double v = ylog ? ylo : 0, step = chart_step(yhi / div) * div; v <= yhi * 1.0001;
	     v = ylog ? v * 10 : v + step)
		fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" "
			"y=\"%.1f\" text-anchor=\"end\">%g</text>\n", LEFT, YPX(v), LEFT + PLOT_W, YPX(v),
			LEFT - 6, YPX(v) + 4, v / div);
	for (size_t i = 0; i < r->ncells; i++) {
		char text[32];
		size_t seen = ticks.n;

		if (s->panel[i] != p)
			continue;
		snprintf(text, sizeof text, "%lld", (long long)s->x[i]);
		if (chart_name(&ticks, text, true) == seen) /* a new value: its tick */
			fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
				XPX(s->x[i]), bottom + 16, text);
	}
	chart_names_free(&ticks);
	for (size_t f = 0; f < s->families.n; f++) {
		char *dots = NULL;
		size_t len = 0;
		FILE *d = open_memstream(&dots, &len);
		int n = 0;

		fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
			chart_color(f));
		for (size_t i = 0; i < r->ncells; i++) {
			const struct cl_results_cell *c = &r->cells[i];
			double md = metric->of(c);

			if (s->panel[i] != p || s->family[i] != f)
				continue;
			fprintf(out, "%s%.1f,%.1f", n++ ? " " : "", XPX(s->x[i]), YPX(md));
			fprintf(d, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>",
				XPX(s->x[i]), YPX(md), chart_color(f));
			cl_view_escaped(d, c->label, CL_ESCAPE_XML);
			fprintf(d, ": %.4g %s</title></circle>\n", md / div, unit);
		}
		fclose(d);
		fprintf(out, "\"/>\n%s", dots);
		free(dots);
	}
	fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#222\"/><line x1=\"%d\" "
		"y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#222\"/>\n<text x=\"%d\" y=\"%.1f\" "
		"text-anchor=\"middle\">", LEFT, bottom, LEFT + PLOT_W, bottom, LEFT, top, LEFT, bottom,
		LEFT + PLOT_W / 2, bottom + 34);
	cl_view_escaped(out, key, CL_ESCAPE_XML);
	fprintf(out, "</text>\n<text transform=\"translate(18 %.1f) rotate(-90)\" text-anchor=\"middle\">"
		"%s%s%s%s</text>\n", (top + bottom) / 2, metric->axis, *unit ? " (" : "", unit,
		*unit ? ")" : "");
#undef XPX
#undef YPX
}

static int sweep_svg(FILE *out, const struct cl_results *r, const struct metric *m)
{
	char *key = x_key(r), *title;
	struct sweep s = { 0 };
	double width = LEFT + PLOT_W + 2 * PAD, x = PAD, legend_y = 50, y;

	if (!key)
		return -1;
	metric = m;
	sweep_build(&s, r, key);
	const struct chart_names *families = &s.families, *panels = &s.panels;

	if (!panels->n) {
		sweep_free(&s);
		return -1;
	}
	if (asprintf(&title, "%s: %s against %s", r->name, m->title, key) < 0)
		cl_oom(NULL);
	width = CHART_TITLE_PX * (double)strlen(title) + 2 * PAD > width
			? CHART_TITLE_PX * (double)strlen(title) + 2 * PAD : width;
	for (size_t p = 0; p < panels->n; p++)
		width = chart_text_px(panels->v[p]) + 200 > width ? chart_text_px(panels->v[p]) + 200 : width;
	/* the legend: one swatch per line, wrapped to the width */
	char *legend = NULL;
	size_t len = 0;
	FILE *l = open_memstream(&legend, &len);

	for (size_t f = 0; f < families->n; f++) {
		double w = 24 + chart_text_px(families->v[f]);

		if (x + w > width - PAD && x > PAD)
			x = PAD, legend_y += 18;
		fprintf(l, "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"3\" fill=\"%s\"/><text x=\"%.0f\" "
			"y=\"%.0f\">", x, legend_y + 5, chart_color(f), x + 16, legend_y + 10);
		cl_view_escaped(l, families->v[f], CL_ESCAPE_XML);
		fprintf(l, "</text>\n");
		x += w;
	}
	fclose(l);
	y = legend_y + 28;
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 "
		"%.0f %.0f\" font-family=\"sans-serif\" font-size=\"%d\">\n<rect width=\"100%%\" "
		"height=\"100%%\" fill=\"white\"/>\n<text x=\"%d\" y=\"20\" font-size=\"15\" "
		"font-weight=\"bold\">", width, y + (double)panels->n * (PLOT_H + 70), width,
		y + (double)panels->n * (PLOT_H + 70), CHART_FONT_PX, PAD);
	cl_view_escaped(out, title, CL_ESCAPE_XML);
	fprintf(out, "</text>\n<text x=\"%d\" y=\"38\" fill=\"#555\">one line per strategy+sync; a panel per "
		"workload and value of every other swept setting</text>\n%s", PAD, legend);
	for (size_t p = 0; p < panels->n; p++, y += PLOT_H + 70)
		panel(out, r, &s, p, y);
	fprintf(out, "</svg>\n");
	free(legend);
	free(title);
	sweep_free(&s);
	return 0;
}

bool cl_view_timed(const struct cl_results *r)
{
	for (size_t i = 0; i < r->ncells; i++)
		if (r->cells[i].summary.timed)
			return true;
	return false;
}

int cl_view_sweep_svg(FILE *out, const struct cl_results *r)
{
	return sweep_svg(out, r, cl_view_timed(r) ? &ops_metric : &wall_metric);
}

int cl_view_sweep_fair_svg(FILE *out, const struct cl_results *r)
{
	return cl_view_timed(r) ? sweep_svg(out, r, &fair_metric) : -1;
}
