/* `conclab report`: what a person would rather look at than read, made from
 * a results file: a Markdown table, SVG charts, one self-contained HTML page,
 * and the seed tutorial's comparison table, measured. */
#ifndef CONCLAB_RENDER_H
#define CONCLAB_RENDER_H

#include <jansson.h>
#include <stdio.h>

/* The cells as a Markdown table: median, interval, cv, cores, speedup, counter. */
void cl_render_markdown(FILE *out, const json_t *results);

/* A horizontal bar chart of every cell: the median as a bar, min-max as a
 * whisker, grouped by workload and strategy, coloured by sync, with axis,
 * unit and legend (log scale when the medians span more than 50x). */
void cl_render_bars_svg(FILE *out, const json_t *results);

/* For an experiment with sweeps: one line per cell family against the first
 * swept setting (x), the median wall time on y. Returns 0, or -1 (writing
 * nothing) when the results have no numeric sweep. */
int cl_render_sweep_svg(FILE *out, const json_t *results);

/* Do the results have a numeric sweep that cl_render_sweep_svg can chart? */
int cl_render_has_sweep(const json_t *results);

/* The seed tutorial's table (threading / multiprocessing / asynchronous)
 * from measurements. It needs workloads named "io", "cpu" and "race" with
 * strategies serial, threads, processes, async and syncs none and mutex, as
 * configs/seed-table.cfg has. -1 with the reason in err when they are missing. */
int cl_render_seed_table(FILE *out, const json_t *results, int html, char *err, size_t errlen);

/* One HTML page with the charts, the tables, the experiment's config and
 * the machine it ran on; nothing loaded from elsewhere. */
void cl_render_html(FILE *out, const json_t *results, int seed_table);

#endif
