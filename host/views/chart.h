/* Private to the views: what the SVG charts share. Text is measured with a
 * width per character of the font every chart uses (11 px sans-serif, a
 * DejaVu Sans "m" is 9.5 px, an average letter under 7), so no label is cut
 * at the chart's edge. */
#ifndef CLH_VIEWS_CHART_H
#define CLH_VIEWS_CHART_H

#include "results.h"

#include <stdbool.h>
#include <stdio.h>

#define CHART_FONT_PX   11
#define CHART_CHAR_PX   7.0  /* at 11 px: wide enough for DejaVu Sans */
#define CHART_TITLE_PX  10.0 /* at 15 px, bold */

/* Colours that stay apart past ten series (Kelly's, less white and black). */
const char *chart_color(size_t i);

/* How wide `text` is at the charts' font, in px. */
double chart_text_px(const char *text);

/* One unit for a whole axis, chosen by its largest value. */
void chart_unit(double max_ns, const char **unit, double *div);

/* The same for operations a second: "ops/s", "k ops/s", "M ops/s", "G ops/s". */
void chart_rate_unit(double max, const char **unit, double *div);

/* A "nice" tick step (1, 2 or 5 x 10^k) for about 6 ticks over [0, max]. */
double chart_step(double max);

struct chart_axis {
	bool   log;      /* log10 scale: then dots, never bars */
	double lo, hi;   /* value range */
	double x0, x1;   /* pixels */
};

double chart_px(const struct chart_axis *a, double v);

/* Grid lines and tick labels from top to bottom, values divided by div. */
void chart_ticks(FILE *out, const struct chart_axis *a, double top, double bottom, double div);

/* Distinct names in order of first appearance, with no limit. */
struct chart_names {
	char  **v;
	size_t  n;
};

size_t chart_name(struct chart_names *ns, const char *name, bool add);
void   chart_names_free(struct chart_names *ns);

#endif
