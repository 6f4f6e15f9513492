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

/* More lines than this on one axis are no longer told apart, by colour or
 * by eye: a panel draws at most this many, the others go to a panel of
 * their own (small multiples). */
#define CHART_SERIES_MAX 8
#define CHART_FADED      "#d0d0d0" /* the other panels' lines, behind */

/* Okabe and Ito's eight colours, which colour-blind readers tell apart too;
 * i from CHART_SERIES_MAX on is CHART_FADED. chart_ink is the same colour
 * for text, darker where the line's (yellow) would not read on white. */
const char *chart_color(size_t i);
const char *chart_ink(size_t i);

/* How wide `text` is at the charts' font, in px. */
double chart_text_px(const char *text);

/* ---- axes ---------------------------------------------------------------- */

/* What an axis counts, which decides its ticks' text: a time in ns ("ms"
 * chosen for the axis, or each tick's own on a log axis), a rate (SI
 * prefixes: "300k", "1.5M"), or a plain number (Jain's index, a share). */
enum chart_kind { CHART_TIME, CHART_RATE, CHART_PLAIN };

struct chart_axis {
	bool   log;      /* log10 scale: then dots, never bars */
	double lo, hi;   /* value range */
	double x0, x1;   /* pixels of lo and hi (y axes: x0 is the bottom) */
	double step;     /* linear: between ticks, as the fit chose it (0: chart_step's) */
};

double chart_px(const struct chart_axis *a, double v);

/* Fit a value axis to data from min to max: linear from 0 to a round value
 * above max, or (may_log, and max / min above 50) whole decades. */
void chart_axis_fit(struct chart_axis *a, double min, double max, bool may_log);

/* The tick values: 1, 2 or 5 x 10^k apart on a linear axis; decades on a
 * log axis (and 2 and 5 between them when it spans two decades or less).
 * Returns how many (at most max). */
size_t chart_tick_values(const struct chart_axis *a, double *v, size_t max);

/* A tick's text: "300k" (a rate), "20" (a time, in chart_axis_unit's unit),
 * "10 ms" (a time on a log axis), "0.5". */
void chart_tick_label(const struct chart_axis *a, enum chart_kind kind, double v, char *buf, size_t len);

/* The unit an axis's title names: "ms" for a linear time axis, "" else
 * (a rate's prefix is on each tick). */
const char *chart_axis_unit(const struct chart_axis *a, enum chart_kind kind);

/* One value as a chart writes it beside its mark: "14.7M", "2.00 s", "0.98". */
void chart_value(enum chart_kind kind, double v, char *buf, size_t len);

/* v with the SI prefix of `scale` (1, 1e3 ... 1e12): "300k", "1.5M", "0". */
void chart_si(double v, double scale, char *buf, size_t len);

/* The SI scale for a value: 1e3 from 1,000 on, 1e6 from a million... */
double chart_si_scale(double v);

/* A "nice" tick step (1, 2 or 5 x 10^k) for about 6 ticks over [0, span]. */
double chart_step(double span);

/* Grid lines and tick labels of a horizontal value axis, from top to bottom. */
void chart_ticks(FILE *out, const struct chart_axis *a, enum chart_kind kind, double top, double bottom);

/* ---- labels -------------------------------------------------------------- */

/* Move labels wanted at y[0..n) apart, each at least gap from the next and
 * all within [lo, hi] when they fit, each as near its place as that
 * allows. */
void chart_nudge(double *y, size_t n, double gap, double lo, double hi);

/* "1/6 ok" when some of a cell's measured trials failed, else "". */
void chart_ok_text(const struct cl_cell_summary *s, char *buf, size_t len);

/* A partial cell: some measured trials, not all, ok. */
bool chart_partial(const struct cl_cell_summary *s);

/* The pattern that marks a partial cell's mark (<defs>, id `id`). */
void chart_hatch_def(FILE *out, const char *id);

/* The <svg> element's start (white background), its title and the line
 * under it, both escaped. */
void chart_begin(FILE *out, double width, double height, const char *title, const char *subtitle);

/* Has the counter chart news: a cell that lost updates (in its median or
 * in any trial), or whose sync promises no exactness? A chart of "exact"
 * rows says nothing a line of text would not. *cells: the cells with a
 * counter. */
bool chart_counter_news(const struct cl_results *r, size_t *cells);

/* ---- names --------------------------------------------------------------- */

/* Distinct names in order of first appearance, with no limit. */
struct chart_names {
	char  **v;
	size_t  n;
};

size_t chart_name(struct chart_names *ns, const char *name, bool add);
void   chart_names_free(struct chart_names *ns);

/* A swept value as text: 4, "scatter", true. */
void chart_sweep_value(const json_t *v, char *buf, size_t len);

/* Is `key` a parameter of this cell's own plugin that not every cell has
 * (params.tas.backoff swept: "tas.backoff")? Such a sweep draws more lines
 * beside the other plugins', never panels of their own. */
bool chart_own_key(const struct cl_results *r, const struct cl_results_cell *c, const char *key);

/* The cell's panel: its workload and every other swept setting but `xkey`
 * (NULL: none left out) and its plugins' own (malloc'ed; "" for none). */
char *chart_panel_of(const struct cl_results *r, const struct cl_results_cell *c, const char *xkey);

/* The cell's line: "threads+tas" and its plugins' own swept parameters
 * but `xkey` ("threads+tas tas.backoff=true"; malloc'ed). */
char *chart_family_of(const struct cl_results *r, const struct cl_results_cell *c, const char *xkey);

#endif
