/* SVG charts of a results file, written by hand: plain elements, no script,
 * so any browser or converter renders them. */
#define _GNU_SOURCE
#include "views.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
	"#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#8c564b", "#17becf", "#bcbd22",
};
#define NCOLORS (sizeof palette / sizeof *palette)

/* One unit for the whole axis, chosen by its largest value. */
static void unit_for(double max_ns, const char **unit, double *div)
{
	if (max_ns >= 1e9)
		*unit = "s", *div = 1e9;
	else if (max_ns >= 1e6)
		*unit = "ms", *div = 1e6;
	else if (max_ns >= 1e3)
		*unit = "us", *div = 1e3;
	else
		*unit = "ns", *div = 1;
}

/* A "nice" tick step (1, 2 or 5 x 10^k) for about 6 ticks over [0, max]. */
static double nice_step(double max)
{
	double raw = max / 6, p = pow(10, floor(log10(raw))), m = raw / p;

	return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

struct axis {
	int    log;      /* log10 scale */
	double lo, hi;   /* value range, ns */
	double x0, x1;   /* pixels */
};

static double to_px(const struct axis *a, double v)
{
	if (a->log) {
		v = v > a->lo ? v : a->lo;
		return a->x0 + (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo)) * (a->x1 - a->x0);
	}
	return a->x0 + v / a->hi * (a->x1 - a->x0);
}

/* A list of distinct names in order of first appearance, with no limit. */
struct names {
	char  **v;
	size_t  n;
};

static size_t names_index(struct names *ns, const char *name, bool add)
{
	size_t k = 0;

	while (k < ns->n && strcmp(ns->v[k], name))
		k++;
	if (k == ns->n && add) {
		ns->v = cl_xrealloc(ns->v, (ns->n + 1) * sizeof *ns->v);
		ns->v[ns->n++] = cl_xstrdup(name);
	}
	return k;
}

static void names_free(struct names *ns)
{
	for (size_t k = 0; k < ns->n; k++)
		free(ns->v[k]);
	free(ns->v);
}

/* Colour of a sync: its place among the syncs of the results. */
static const char *sync_color(const struct cl_results *r, const char *sync)
{
	struct names ns = { 0 };
	size_t k;

	for (size_t i = 0; i < r->ncells; i++)
		names_index(&ns, r->cells[i].sync, true);
	k = names_index(&ns, sync, false);
	names_free(&ns);
	return palette[k % NCOLORS];
}

/* "io: threads" (malloc'ed). */
static char *group_of(const struct cl_results_cell *c)
{
	char *g;

	if (asprintf(&g, "%s%s%s", c->workload ? c->workload : "", c->workload ? ": " : "",
		     c->strategy) < 0)
		cl_oom(NULL);
	return g;
}

static void axis_ticks(FILE *out, const struct axis *a, double top, double bottom, const char *unit,
		       double div)
{
	if (a->log) {
		for (double v = pow(10, ceil(log10(a->lo))); v <= a->hi * 1.0001; v *= 10) {
			double x = to_px(a, v);

			fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
				x, top, x, bottom);
			fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n", x,
				bottom + 14, v / div);
		}
	} else {
		double step = nice_step(a->hi / div);

		for (double v = 0; v <= a->hi / div * 1.0001; v += step) {
			double x = to_px(a, v * div);

			fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
				x, top, x, bottom);
			fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n", x,
				bottom + 14, v);
		}
	}
	(void)unit;
}

static void legend(FILE *out, const struct cl_results *r)
{
	struct names shown = { 0 };
	double x = 10;

	for (size_t i = 0; i < r->ncells; i++) {
		const char *sync = r->cells[i].sync;

		if (names_index(&shown, sync, false) < shown.n)
			continue;
		names_index(&shown, sync, true);
		fprintf(out, "<rect x=\"%.0f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
			"<text x=\"%.0f\" y=\"%d\">", x, 50, sync_color(r, sync), x + 16, 60);
		cl_view_escaped(out, sync, CL_ESCAPE_XML);
		fprintf(out, "</text>\n");
		x += 24 + 7.0 * (double)strlen(sync);
	}
	names_free(&shown);
}

/* One bar (median) with its whisker (min-max) at y. */
static void bar(FILE *out, const struct cl_results *r, const struct cl_results_cell *c,
		const struct axis *a, double y, int row, int label_w, const char *unit, double div)
{
	const struct cl_stats *w = &c->summary.wall;
	const char *plus = strchr(c->label, '+');

	fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", label_w - 6, y + 12);
	cl_view_escaped(out, plus ? plus + 1 : c->label, CL_ESCAPE_XML);
	fprintf(out, "</text>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
		"<title>", a->x0, y + 2, to_px(a, w->median) - a->x0, row - 5, sync_color(r, c->sync));
	cl_view_escaped(out, c->label, CL_ESCAPE_XML);
	fprintf(out, ": median %g %s</title></rect>\n", w->median / div, unit);
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>"
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>"
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n",
		to_px(a, w->min), y + row / 2.0 - 1, to_px(a, w->max), y + row / 2.0 - 1,
		to_px(a, w->min), y + 4, to_px(a, w->min), y + row - 5,
		to_px(a, w->max), y + 4, to_px(a, w->max), y + row - 5);
}

void cl_view_bars_svg(FILE *out, const struct cl_results *r)
{
	const char *unit;
	double div, lo = INFINITY, hi = 0, y;
	size_t ngroups = 0, nbars = 0;
	char *prev = NULL;
	int label_w = 200, width = 900, row = 18;

	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_stats *w = &r->cells[i].summary.wall;
		char *group;

		if (w->median <= 0)
			continue;
		lo = w->min > 0 && w->min < lo ? w->min : lo;
		hi = w->max > hi ? w->max : hi;
		nbars++;
		group = group_of(&r->cells[i]);
		ngroups += !prev || strcmp(group, prev) != 0;
		free(prev);
		prev = group;
	}
	if (!nbars)
		lo = hi = 1;
	struct axis a = { .log = hi / lo > 50, .lo = lo / 1.5, .hi = hi * 1.05, .x0 = label_w,
			  .x1 = width - 30 };

	if (a.log) { /* whole decades */
		a.lo = pow(10, floor(log10(a.lo)));
		a.hi = pow(10, ceil(log10(a.hi)));
	}
	unit_for(a.hi, &unit, &div);
	int legend_h = 24, plot_top = 50 + legend_h;
	double height = plot_top + (double)nbars * row + (double)ngroups * 22 + 50;

	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" "
		"viewBox=\"0 0 %d %.0f\" font-family=\"sans-serif\" font-size=\"11\">\n", width, height,
		width, height);
	fprintf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<text x=\"10\" y=\"20\" "
		"font-size=\"15\" font-weight=\"bold\">");
	cl_view_escaped(out, r->name, CL_ESCAPE_XML);
	fprintf(out, ": wall time per cell</text>\n<text x=\"10\" y=\"38\" fill=\"#555\">bar: median of "
		"the ok trials; whisker: min-max%s</text>\n", a.log ? "; log scale" : "");
	legend(out, r);
	double bottom = height - 40;

	axis_ticks(out, &a, plot_top, bottom, unit, div);
	y = plot_top;
	free(prev);
	prev = NULL;
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_results_cell *c = &r->cells[i];
		char *group;

		if (c->summary.wall.median <= 0)
			continue;
		group = group_of(c);
		if (!prev || strcmp(group, prev)) {
			y += 6;
			fprintf(out, "<text x=\"10\" y=\"%.1f\" font-weight=\"bold\">", y + 10);
			cl_view_escaped(out, group, CL_ESCAPE_XML);
			fprintf(out, "</text>\n");
			y += 16;
		}
		free(prev);
		prev = group;
		bar(out, r, c, &a, y, row, label_w, unit, div);
		y += row;
	}
	free(prev);
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n", a.x0,
		bottom, a.x1, bottom);
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">wall time (%s)</text>\n</svg>\n",
		(a.x0 + a.x1) / 2, bottom + 32, unit);
}

/* The first sweep key of the results, if any cell has one. */
static const char *first_sweep(const struct cl_results *r)
{
	for (size_t i = 0; i < r->ncells; i++) {
		void *it = json_object_iter(r->cells[i].sweep);

		if (it)
			return json_object_iter_key(it);
	}
	return NULL;
}

/* The family of a cell: its label without " key=value" (malloc'ed). */
static char *family_of(const struct cl_results_cell *c, const char *key)
{
	char *pat, *fam;
	const char *at, *end;

	if (asprintf(&pat, " %s=", key) < 0)
		cl_oom(NULL);
	at = strstr(c->label, pat);
	free(pat);
	if (!at)
		return cl_xstrdup(c->label);
	end = strchr(at + 1, ' ');
	if (asprintf(&fam, "%.*s%s", (int)(at - c->label), c->label, end ? end : "") < 0)
		cl_oom(NULL);
	return fam;
}

bool cl_view_has_sweep(const struct cl_results *r)
{
	return first_sweep(r) != NULL;
}

/* The cell's value of the swept key, when it is a number and it has a median. */
static bool sweep_point(const struct cl_results_cell *c, const char *key, double *x)
{
	const json_t *v = json_object_get(c->sweep, key);

	*x = (double)json_integer_value(v);
	return json_is_integer(v) && c->summary.wall.median > 0;
}

int cl_view_sweep_svg(FILE *out, const struct cl_results *r)
{
	const char *key = first_sweep(r), *unit;
	double xmin = INFINITY, xmax = -INFINITY, ymax = 0, ymin = INFINITY, div, x;
	struct names families = { 0 }, ticks = { 0 };
	int width = 900, left = 80, right = 260, top = 60, bottom = 460, height;

	if (!key)
		return -1;
	for (size_t i = 0; i < r->ncells; i++) {
		double md = r->cells[i].summary.wall.median;
		char *fam;

		if (!sweep_point(&r->cells[i], key, &x))
			continue;
		xmin = x < xmin ? x : xmin;
		xmax = x > xmax ? x : xmax;
		ymax = md > ymax ? md : ymax;
		ymin = md < ymin ? md : ymin;
		fam = family_of(&r->cells[i], key);
		names_index(&families, fam, true);
		free(fam);
	}
	if (xmin >= xmax) {
		names_free(&families);
		return -1;
	}
	/* the legend lists every family: the chart grows to hold it */
	height = bottom + 60 > top + 16 * (int)families.n + 20 ? bottom + 60 : top + 16 * (int)families.n + 20;
	int xlog = xmin > 0 && xmax / xmin >= 8, ylog = ymin > 0 && ymax / ymin > 50;
	double ylo = ylog ? pow(10, floor(log10(ymin))) : 0, yhi = ylog ? pow(10, ceil(log10(ymax))) : ymax * 1.1;

	unit_for(yhi, &unit, &div);
#define XPX(x) (left + (xlog ? log2((x) / xmin) / log2(xmax / xmin) : ((x) - xmin) / (xmax - xmin)) * (width - left - right))
#define YPX(y) (bottom - (ylog ? (log10(y) - log10(ylo)) / (log10(yhi) - log10(ylo)) : (y) / yhi) * (bottom - top))
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 "
		"%d %d\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%%\" height=\"100%%\" "
		"fill=\"white\"/>\n<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">", width,
		height, width, height);
	cl_view_escaped(out, r->name, CL_ESCAPE_XML);
	fprintf(out, ": median wall time against %s</text>\n<text x=\"10\" y=\"38\" fill=\"#555\">one "
		"line per cell family%s%s</text>\n", key, xlog ? "; x: log2 scale" : "",
		ylog ? "; y: log scale" : "");
	/* y grid */
	if (ylog) {
		for (double v = ylo; v <= yhi * 1.0001; v *= 10)
			fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/><text "
				"x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n", left, YPX(v),
				width - right, YPX(v), left - 6, YPX(v) + 4, v / div);
	} else {
		double step = nice_step(yhi / div);

		for (double v = 0; v <= yhi / div * 1.0001; v += step)
			fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/><text "
				"x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n", left, YPX(v * div),
				width - right, YPX(v * div), left - 6, YPX(v * div) + 4, v);
	}
	/* x ticks: the swept values themselves, each once */
	for (size_t i = 0; i < r->ncells; i++) {
		char text[32];

		if (!sweep_point(&r->cells[i], key, &x))
			continue;
		snprintf(text, sizeof text, "%lld", (long long)x);
		if (names_index(&ticks, text, false) < ticks.n)
			continue;
		names_index(&ticks, text, true);
		fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", XPX(x),
			bottom + 16, text);
	}
	names_free(&ticks);
	for (size_t f = 0; f < families.n; f++) {
		const char *color = palette[f % NCOLORS];
		int first = 1;
		char *dots = NULL;
		size_t dots_len = 0;
		FILE *d = open_memstream(&dots, &dots_len);

		/* the family's line, and a dot per point with its figure on hover */
		fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", color);
		for (size_t i = 0; i < r->ncells; i++) {
			double md = r->cells[i].summary.wall.median;
			char *fam;
			int mine;

			if (!sweep_point(&r->cells[i], key, &x))
				continue;
			fam = family_of(&r->cells[i], key);
			mine = !strcmp(fam, families.v[f]);
			free(fam);
			if (!mine)
				continue;
			fprintf(out, "%s%.1f,%.1f", first ? "" : " ", XPX(x), YPX(md));
			fprintf(d, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s=%lld: "
				"%.4g %s</title></circle>\n", XPX(x), YPX(md), color, key, (long long)x,
				md / div, unit);
			first = 0;
		}
		fclose(d);
		fprintf(out, "\"/>\n%s", dots);
		free(dots);
		fprintf(out, "<rect x=\"%d\" y=\"%zu\" width=\"12\" height=\"3\" fill=\"%s\"/><text "
			"x=\"%d\" y=\"%zu\">", width - right + 12, (size_t)top + 16 * f + 5, color,
			width - right + 28, (size_t)top + 16 * f + 10);
		cl_view_escaped(out, families.v[f], CL_ESCAPE_XML);
		fprintf(out, "</text>\n");
	}
	names_free(&families);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#222\"/><line x1=\"%d\" "
		"y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#222\"/>\n", left, bottom, width - right, bottom,
		left, top, left, bottom);
	fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", (left + width - right) / 2,
		bottom + 36);
	cl_view_escaped(out, key, CL_ESCAPE_XML);
	fprintf(out, "</text>\n<text transform=\"translate(18 %d) rotate(-90)\" text-anchor=\"middle\">"
		"median wall time (%s)</text>\n</svg>\n", (top + bottom) / 2, unit);
#undef XPX
#undef YPX
	return 0;
}
