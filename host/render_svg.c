/* SVG charts of a results file, written by hand: plain elements, no script,
 * so any browser or converter renders them. */
#include "render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
	"#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#8c564b", "#17becf", "#bcbd22",
};
#define NCOLORS (sizeof palette / sizeof *palette)

static void xml_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
	}
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

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

static double summary_wall(const json_t *cell, const char *key)
{
	return json_number_value(json_object_get(json_object_get(json_object_get(cell, "summary"),
								  "wall_ns"), key));
}

/* Colour of a sync: its place among the syncs of the results. */
static int sync_color(const json_t *cells, const char *sync)
{
	const json_t *c;
	size_t i;
	int seen = 0;
	char names[64][64];

	json_array_foreach(cells, i, c) {
		int k = 0;

		while (k < seen && strcmp(names[k], str(c, "sync")))
			k++;
		if (k == seen && seen < 64)
			snprintf(names[seen++], sizeof names[0], "%s", str(c, "sync"));
		if (!strcmp(str(c, "sync"), sync))
			return k % (int)NCOLORS;
	}
	return 0;
}

static void group_of(const json_t *cell, char *buf, size_t len)
{
	const char *wl = str(cell, "workload");

	snprintf(buf, len, "%s%s%s", wl, *wl ? ": " : "", str(cell, "strategy"));
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

void cl_render_bars_svg(FILE *out, const json_t *results)
{
	const json_t *cells = json_object_get(results, "cells"), *c;
	const char *unit;
	double div, lo = INFINITY, hi = 0, y;
	size_t i, ngroups = 0, nbars = 0;
	char group[160] = "", prev[160] = "";
	int label_w = 200, width = 900, row = 18;

	json_array_foreach(cells, i, c) {
		double mn = summary_wall(c, "min"), mx = summary_wall(c, "max"), md = summary_wall(c, "median");

		if (md <= 0)
			continue;
		lo = mn > 0 && mn < lo ? mn : lo;
		hi = mx > hi ? mx : hi;
		nbars++;
		group_of(c, group, sizeof group);
		ngroups += strcmp(group, prev) != 0;
		snprintf(prev, sizeof prev, "%s", group);
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
	xml_text(out, str(json_object_get(results, "experiment"), "name"));
	fprintf(out, ": wall time per cell</text>\n<text x=\"10\" y=\"38\" fill=\"#555\">bar: median of "
		"the ok trials; whisker: min-max%s</text>\n", a.log ? "; log scale" : "");
	/* legend: one swatch per sync */
	{
		double x = 10;
		char seen[1024] = ",";

		json_array_foreach(cells, i, c) {
			char key[80];

			snprintf(key, sizeof key, ",%s,", str(c, "sync"));
			if (strstr(seen, key) || strlen(seen) + strlen(key) >= sizeof seen)
				continue;
			strcat(seen, key + 1);
			fprintf(out, "<rect x=\"%.0f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
				"<text x=\"%.0f\" y=\"%d\">", x, 50, palette[sync_color(cells, str(c, "sync"))],
				x + 16, 60);
			xml_text(out, str(c, "sync"));
			fprintf(out, "</text>\n");
			x += 24 + 7.0 * (double)strlen(str(c, "sync"));
		}
	}
	double bottom = height - 40;

	axis_ticks(out, &a, plot_top, bottom, unit, div);
	y = plot_top;
	prev[0] = 0;
	json_array_foreach(cells, i, c) {
		double md = summary_wall(c, "median"), mn = summary_wall(c, "min"), mx = summary_wall(c, "max");

		if (md <= 0)
			continue;
		group_of(c, group, sizeof group);
		if (strcmp(group, prev)) {
			y += 6;
			fprintf(out, "<text x=\"10\" y=\"%.1f\" font-weight=\"bold\">", y + 10);
			xml_text(out, group);
			fprintf(out, "</text>\n");
			y += 16;
			snprintf(prev, sizeof prev, "%s", group);
		}
		const char *label = str(c, "label");
		const char *plus = strchr(label, '+');

		fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", label_w - 6, y + 12);
		xml_text(out, plus ? plus + 1 : label);
		fprintf(out, "</text>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
			"<title>", a.x0, y + 2, to_px(&a, md) - a.x0, row - 5,
			palette[sync_color(cells, str(c, "sync"))]);
		xml_text(out, label);
		fprintf(out, ": median %g %s</title></rect>\n", md / div, unit);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>"
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>"
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n",
			to_px(&a, mn), y + row / 2.0 - 1, to_px(&a, mx), y + row / 2.0 - 1,
			to_px(&a, mn), y + 4, to_px(&a, mn), y + row - 5,
			to_px(&a, mx), y + 4, to_px(&a, mx), y + row - 5);
		y += row;
	}
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n", a.x0,
		bottom, a.x1, bottom);
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">wall time (%s)</text>\n</svg>\n",
		(a.x0 + a.x1) / 2, bottom + 32, unit);
}

/* The first sweep key of the results, if any cell has one. */
static const char *first_sweep(const json_t *cells)
{
	const json_t *c;
	size_t i;

	json_array_foreach(cells, i, c) {
		void *it = json_object_iter(json_object_get(c, "sweep"));

		if (it)
			return json_object_iter_key(it);
	}
	return NULL;
}

/* The family of a cell: its label without " key=value". */
static void family_of(const json_t *cell, const char *key, char *buf, size_t len)
{
	const char *label = str(cell, "label");
	char pat[128];
	const char *at;

	snprintf(pat, sizeof pat, " %s=", key);
	at = strstr(label, pat);
	if (!at) {
		snprintf(buf, len, "%s", label);
		return;
	}
	const char *end = strchr(at + 1, ' ');

	snprintf(buf, len, "%.*s%s", (int)(at - label), label, end ? end : "");
}

int cl_render_has_sweep(const json_t *results)
{
	return first_sweep(json_object_get(results, "cells")) != NULL;
}

int cl_render_sweep_svg(FILE *out, const json_t *results)
{
	const json_t *cells = json_object_get(results, "cells"), *c;
	const char *key = first_sweep(cells), *unit;
	double xmin = INFINITY, xmax = -INFINITY, ymax = 0, ymin = INFINITY, div;
	char fam[256], families[32][256];
	size_t i, nfam = 0;
	int width = 900, height = 520, left = 80, right = 260, top = 60, bottom = 460;

	if (!key)
		return -1;
	json_array_foreach(cells, i, c) {
		const json_t *v = json_object_get(json_object_get(c, "sweep"), key);
		double md = summary_wall(c, "median");

		if (!json_is_integer(v) || md <= 0)
			continue;
		double x = (double)json_integer_value(v);

		xmin = x < xmin ? x : xmin;
		xmax = x > xmax ? x : xmax;
		ymax = md > ymax ? md : ymax;
		ymin = md < ymin ? md : ymin;
		family_of(c, key, fam, sizeof fam);
		size_t k = 0;

		while (k < nfam && strcmp(families[k], fam))
			k++;
		if (k == nfam && nfam < 32)
			snprintf(families[nfam++], sizeof families[0], "%s", fam);
	}
	if (xmin >= xmax)
		return -1;
	int xlog = xmin > 0 && xmax / xmin >= 8, ylog = ymin > 0 && ymax / ymin > 50;
	double ylo = ylog ? pow(10, floor(log10(ymin))) : 0, yhi = ylog ? pow(10, ceil(log10(ymax))) : ymax * 1.1;

	unit_for(yhi, &unit, &div);
#define XPX(x) (left + (xlog ? log2((x) / xmin) / log2(xmax / xmin) : ((x) - xmin) / (xmax - xmin)) * (width - left - right))
#define YPX(y) (bottom - (ylog ? (log10(y) - log10(ylo)) / (log10(yhi) - log10(ylo)) : (y) / yhi) * (bottom - top))
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 "
		"%d %d\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%%\" height=\"100%%\" "
		"fill=\"white\"/>\n<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">", width,
		height, width, height);
	xml_text(out, str(json_object_get(results, "experiment"), "name"));
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
	json_array_foreach(cells, i, c) {
		const json_t *v = json_object_get(json_object_get(c, "sweep"), key);
		int seen = 0;

		for (size_t j = 0; j < i && json_is_integer(v) && !seen; j++)
			seen = json_equal(v, json_object_get(json_object_get(json_array_get(cells, j),
									     "sweep"), key));
		if (json_is_integer(v) && !seen)
			fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%lld</text>\n",
				XPX((double)json_integer_value(v)), bottom + 16,
				(long long)json_integer_value(v));
	}
	for (size_t f = 0; f < nfam; f++) {
		const char *color = palette[f % NCOLORS];
		int first = 1;

		char *dots = NULL;
		size_t dots_len = 0;
		FILE *d = open_memstream(&dots, &dots_len);

		/* the family's line, and a dot per point with its figure on hover */
		fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", color);
		json_array_foreach(cells, i, c) {
			const json_t *v = json_object_get(json_object_get(c, "sweep"), key);
			double md = summary_wall(c, "median");

			family_of(c, key, fam, sizeof fam);
			if (!json_is_integer(v) || md <= 0 || strcmp(fam, families[f]))
				continue;
			fprintf(out, "%s%.1f,%.1f", first ? "" : " ", XPX((double)json_integer_value(v)), YPX(md));
			fprintf(d, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s=%lld: "
				"%.4g %s</title></circle>\n", XPX((double)json_integer_value(v)), YPX(md),
				color, key, (long long)json_integer_value(v), md / div, unit);
			first = 0;
		}
		fclose(d);
		fprintf(out, "\"/>\n%s", dots);
		free(dots);
		fprintf(out, "<rect x=\"%d\" y=\"%zu\" width=\"12\" height=\"3\" fill=\"%s\"/><text "
			"x=\"%d\" y=\"%zu\">", width - right + 12, (size_t)top + 16 * f + 5, color,
			width - right + 28, (size_t)top + 16 * f + 10);
		xml_text(out, families[f]);
		fprintf(out, "</text>\n");
	}
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#222\"/><line x1=\"%d\" "
		"y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#222\"/>\n", left, bottom, width - right, bottom,
		left, top, left, bottom);
	fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", (left + width - right) / 2,
		bottom + 36);
	xml_text(out, key);
	fprintf(out, "</text>\n<text transform=\"translate(18 %d) rotate(-90)\" text-anchor=\"middle\">"
		"median wall time (%s)</text>\n</svg>\n", (top + bottom) / 2, unit);
#undef XPX
#undef YPX
	return 0;
}
