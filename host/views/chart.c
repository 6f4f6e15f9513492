#define _GNU_SOURCE
#include "chart.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Kelly's 22 colours of maximum contrast, less white and black: 13 syncs in
 * one chart stay told apart, and every series has its name beside it too. */
static const char *const palette[] = {
	"#f3c300", "#875692", "#f38400", "#a1caf1", "#be0032", "#c2b280", "#848482",
	"#008856", "#e68fac", "#0067a5", "#f99379", "#604e97", "#f6a600", "#b3446c",
	"#dcd300", "#882d17", "#8db600", "#654522", "#e25822", "#2b3d26",
};

const char *chart_color(size_t i)
{
	return palette[i % (sizeof palette / sizeof *palette)];
}

double chart_text_px(const char *text)
{
	return CHART_CHAR_PX * (double)strlen(text ? text : "");
}

void chart_unit(double max_ns, const char **unit, double *div)
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

double chart_step(double max)
{
	double raw = max / 6, p = pow(10, floor(log10(raw))), m = raw / p;

	return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

double chart_px(const struct chart_axis *a, double v)
{
	if (a->log) {
		v = v > a->lo ? v : a->lo;
		return a->x0 + (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo)) * (a->x1 - a->x0);
	}
	return a->x0 + v / a->hi * (a->x1 - a->x0);
}

void chart_ticks(FILE *out, const struct chart_axis *a, double top, double bottom, double div)
{
	double first = a->log ? pow(10, ceil(log10(a->lo))) : 0;
	double step = a->log ? 0 : chart_step(a->hi / div) * div;

	for (double v = first; v <= a->hi * 1.0001; v = a->log ? v * 10 : v + step) {
		double x = chart_px(a, v);

		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n", x, top, x, bottom,
			x, bottom + 14, v / div);
		if (!a->log && step <= 0)
			break;
	}
}

size_t chart_name(struct chart_names *ns, const char *name, bool add)
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

void chart_names_free(struct chart_names *ns)
{
	for (size_t k = 0; k < ns->n; k++)
		free(ns->v[k]);
	free(ns->v);
}

void chart_rate_unit(double max, const char **unit, double *div)
{
	*unit = max >= 1e9 ? "G ops/s" : max >= 1e6 ? "M ops/s" : max >= 1e3 ? "k ops/s" : "ops/s";
	*div = max >= 1e9 ? 1e9 : max >= 1e6 ? 1e6 : max >= 1e3 ? 1e3 : 1;
}
