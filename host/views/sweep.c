/* The sweep chart: the median wall time of each cell family (the cells that
 * differ only in the first swept setting) against that setting. */
#define _GNU_SOURCE
#include "chart.h"
#include "views.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
	struct chart_names families = { 0 }, ticks = { 0 };
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
		chart_name(&families, fam, true);
		free(fam);
	}
	if (xmin >= xmax) {
		chart_names_free(&families);
		return -1;
	}
	/* the legend's longest name fits beside the plot */
	for (size_t f = 0; f < families.n; f++)
		right = 40 + (int)chart_text_px(families.v[f]) > right ? 40 + (int)chart_text_px(families.v[f])
								  : right;
	width = right + 640;
	/* the legend lists every family: the chart grows to hold it */
	height = bottom + 60 > top + 16 * (int)families.n + 20 ? bottom + 60 : top + 16 * (int)families.n + 20;
	int xlog = xmin > 0 && xmax / xmin >= 8, ylog = ymin > 0 && ymax / ymin > 50;
	double ylo = ylog ? pow(10, floor(log10(ymin))) : 0, yhi = ylog ? pow(10, ceil(log10(ymax))) : ymax * 1.1;

	chart_unit(yhi, &unit, &div);
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
		double step = chart_step(yhi / div);

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
		if (chart_name(&ticks, text, false) < ticks.n)
			continue;
		chart_name(&ticks, text, true);
		fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", XPX(x),
			bottom + 16, text);
	}
	chart_names_free(&ticks);
	for (size_t f = 0; f < families.n; f++) {
		const char *color = chart_color(f);
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
	chart_names_free(&families);
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
