/* The views: what a person reads or looks at, every one made from the
 * results model (results.h) and nothing else, so the terminal table, --vs,
 * Markdown, SVG, HTML and the seed table show the same figures. */
#ifndef CLH_VIEWS_H
#define CLH_VIEWS_H

#include "results.h"

#include <stdbool.h>
#include <stdio.h>

/* ---- the terminal ------------------------------------------------------ */

/* The aligned table after a run: per cell the median wall time and its
 * interval, cv, CPU, cores, memory, context switches, latency, speedup and
 * counter; notes on failed trials, strays, noise and races below it. */
void cl_view_table(FILE *out, const struct cl_results *r, bool sort_by_wall);

/* Does a cell label answer to a --vs pattern: the exact label, or a glob
 * (fnmatch: `*`, `?`, `[...]`) such as 'async+*'? */
bool cl_vs_matches(const char *label, const char *pattern);

/* "A is 3.1x (2.9-3.3) faster than B (p = 0.008: significant)" for every
 * cell against each cell that matches `pattern`, judged as compare judges
 * (cl_judge). -1 if none matches. */
int cl_view_vs(FILE *out, const struct cl_results *r, const char *pattern);

/* ---- files: report ----------------------------------------------------- */

/* The cells as a Markdown table: median, interval, cv, cores, speedup, counter. */
void cl_view_markdown(FILE *out, const struct cl_results *r);

/* A horizontal bar chart of every cell: the median as a bar, min-max as a
 * whisker, grouped by workload and strategy, coloured by sync, with axis,
 * unit and legend (log scale when the medians span more than 50x). */
void cl_view_bars_svg(FILE *out, const struct cl_results *r);

/* For an experiment with sweeps: one line per cell family against the first
 * swept setting (x), the median wall time on y. 0, or -1 (writing nothing)
 * when the results have no numeric sweep. */
int cl_view_sweep_svg(FILE *out, const struct cl_results *r);

/* Do the results have a numeric sweep that cl_view_sweep_svg can chart? */
bool cl_view_has_sweep(const struct cl_results *r);

/* The seed tutorial's table (threading / multiprocessing / asynchronous)
 * from measurements. It needs workloads named "io", "cpu" and "race" with
 * strategies serial, threads, processes, async and syncs none and mutex, as
 * configs/seed-table.cfg has. -1 with the reason in err when they are missing. */
int cl_view_seed_table(FILE *out, const struct cl_results *r, bool html, char *err, size_t errlen);

/* One HTML page with the charts, the tables, the experiment's config and
 * the machine it ran on; nothing loaded from elsewhere. */
void cl_view_html(FILE *out, const struct cl_results *r, bool seed_table);

/* ---- shared by the views ----------------------------------------------- */

/* "exact 2000000", "lost 755594 of 2000000", or "-" (no counter, no ok trial). */
void cl_view_counter(const struct cl_results_cell *c, char *buf, size_t len);

#endif
