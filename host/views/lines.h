/* Private to the views: line charts (the sweep, the timeline) as small
 * multiples. A group of lines (one panel's: a workload, a value of each
 * other swept setting) is drawn on one axis when it has at most
 * CHART_SERIES_MAX lines; with more, as several plots of at most that many
 * over one shared axis, the highest lines first, each plot showing the
 * others faded behind its own. Every line is named at its end, the names
 * moved apart where they would overlap; no legend to look up. */
#ifndef CLH_VIEWS_LINES_H
#define CLH_VIEWS_LINES_H

#include "chart.h"

struct chart_point {
	double x, y;
	char  *tip;   /* its <title> (malloc'ed), or NULL */
	char  *mark;  /* "1/6 ok": a partial cell's point, drawn hollow (malloc'ed), or NULL */
};

struct chart_line {
	char   *name;    /* shown at its end (malloc'ed) */
	struct chart_point *p;
	size_t  n;
	bool    flat;    /* not swept: its one value across the whole x axis, dashed */
	size_t  color;   /* its colour when the chart's colours are stable */
};

struct chart_group {
	char   *title;   /* "io tasks=4" (malloc'ed), "" for a lone panel */
	struct chart_line *lines;
	size_t  n;
	struct chart_names failed; /* cells of the group with no ok trial */
};

struct chart_lines {
	enum chart_kind xkind, ykind;
	const char *xtitle;     /* "tasks", "time in the window" */
	const char *ytitle;     /* "median ops/s (higher is better)"; a time's unit is added */
	bool    xlog2;          /* x on a log2 scale where it spans 8x or more */
	bool    ylog;           /* y on a log scale where it spans more than 50x */
	bool    yunit;          /* y from 0 to 1 */
	bool    dots;           /* a dot at each point */
	bool    xticks_at_points; /* x ticks at the points' x (a sweep's values) */
	const char *xname;      /* the sweep's key: "the highest at tasks=8" */
	bool    stable;         /* colours by each line's `color` (the same in every
				 * panel); else by its place in its plot */
	double  plot_h;
	struct chart_group *groups;
	size_t  ngroups;
};

struct chart_group *chart_lines_group(struct chart_lines *c, const char *title);
struct chart_line  *chart_group_line(struct chart_group *g, const char *name);

/* Add a point; takes tip and mark. */
void chart_line_point(struct chart_line *l, double x, double y, char *tip, char *mark);

/* The chart's width: the plots and the longest name at a line's end. */
double chart_lines_width(const struct chart_lines *c);

/* The height every group takes. */
double chart_lines_height(const struct chart_lines *c);

/* Draw every group from y; returns the y below. */
double chart_lines_draw(FILE *out, struct chart_lines *c, double y);

void chart_lines_free(struct chart_lines *c);

#endif
