/* The views: what a person reads or looks at, every one made from the
 * results model (results.h) and nothing else, so the terminal table, --vs,
 * Markdown, SVG, HTML and the seed table show the same figures. */
#ifndef CLH_VIEWS_H
#define CLH_VIEWS_H

#include "results.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* ---- the terminal ------------------------------------------------------ */

struct cl_table_opts {
	bool     sort;    /* rows by median wall time, fastest first          */
	bool     wide;    /* every column                                     */
	uint32_t columns; /* these columns (cl_table_columns), 0: the default set */
	int      width;   /* fit the default set to this many columns (a
			   * terminal's); 0: no limit (piped to a file)        */
	bool     warned;  /* the machine's warning was said on this terminal */
};

/* The aligned table after a run: per cell the median wall time, cv, cores,
 * response time, speedup, counter and notes by default (--wide: also the
 * interval, CPU, memory, context switches and the speedup's interval);
 * notes on failed trials, strays, noise and races below it, then a summary
 * a person reads first: the fastest cell of each group against its
 * baseline, and the race in one line. */
void cl_view_table(FILE *out, const struct cl_results *r, const struct cl_table_opts *o);

/* Labels to fit a terminal (malloc'ed, one per cell; free with
 * cl_view_labels_free): level 1, a swept setting's path by its last name
 * where that is unique ("steps[0].read_pct=50" -> "read_pct=50"); level 2,
 * also the strategy every cell shares left out. *legend (malloc'ed) says
 * what was shortened, "" when nothing was. */
char **cl_view_short_labels(const struct cl_results *r, int level, char **legend);
void cl_view_labels_free(char **labels, size_t n);

/* text to out with each line longer than width (0: any) broken at spaces,
 * the rest of it indented two more than its first line. */
void cl_view_wrapped(FILE *out, const char *text, int width);

/* A message, fitted to the terminal out is (80 columns when it is not one). */
__attribute__((format(printf, 2, 3))) void cl_view_say(FILE *out, const char *fmt, ...);

/* The width of the terminal fd is, or 0 when it is piped. */
int cl_terminal_width(int fd);

/* The notes under the table: the intervals' coverage, failed trials,
 * strays, noise, interference, the race. */
void cl_view_notes(FILE *out, const struct cl_results *r);

/* How the notes point at the cells they are about (cl_view_notes: by the
 * marks in the notes column). */
struct cl_notes_opts {
	bool   marks_shown; /* the notes column is on screen */
	char **labels;      /* the labels the rows show (NULL: the cells') */
};
void cl_view_notes_for(FILE *out, const struct cl_results *r, const struct cl_notes_opts *o);

/* The summary a person reads first, its lines without a heading: each
 * group's fastest cell against its baseline, the slowest, and the race in
 * one line ("" when there is nothing to say). */
void cl_view_summary(FILE *out, const struct cl_results *r);
/* The same, naming each cell as the rows above it do (labels: one per cell,
 * NULL: their own). */
void cl_view_summary_for(FILE *out, const struct cl_results *r, char **labels);

/* Open-loop results (arrivals): each strategy+sync's knee, the highest
 * offered rate whose p99 response stays under the workload's bound
 * (load.c); nothing for closed-batch results. */
void cl_view_knees(FILE *out, const struct cl_results *r);
bool cl_view_open_loop(const struct cl_results *r);
/* Task classes: each cell's response time per class (a block of notes). */
void cl_view_classes(FILE *out, const struct cl_results *r);

/* Parse a --columns list ("wall,cores,counter") into a mask. 0, or -1
 * with the reason (and the closest column) in err. */
int cl_table_columns(const char *list, uint32_t *mask, char *err, size_t errlen);

/* Does a cell label answer to a --vs pattern: the exact label, or a glob
 * (fnmatch: `*`, `?`, `[...]`) such as 'async+*'? */
bool cl_vs_matches(const char *label, const char *pattern);

/* "A is 3.1x (2.9-3.3) faster than B (p = 0.008: significant)" for every
 * cell of its group (one workload, one value of each sweep: the cells that
 * share a baseline) against each cell that matches `pattern`, each pair
 * once, judged as compare judges (cl_difference_weigh). -1 if none matches. */
int cl_view_vs(FILE *out, const struct cl_results *r, const char *pattern);

/* ---- files: report ----------------------------------------------------- */

/* The cells as a Markdown table: median, interval, cv, cores, speedup, counter. */
void cl_view_markdown(FILE *out, const struct cl_results *r);

/* The median wall time of every cell, min-max as a whisker, coloured by
 * sync: one panel per group of cells judged against one baseline (a
 * workload, one value of each sweep), each on its own linear axis with bars,
 * or, when its times span more than 50x, dots on a log axis. */
void cl_view_bars_svg(FILE *out, const struct cl_results *r);

/* Do any cells have a counter (increment steps)? */
bool cl_view_has_counter(const struct cl_results *r);

/* A bar per cell with a counter: the median share of its updates lost
 * (0%: an exact sync). 0, or -1 (writing nothing) when no cell has one. */
int cl_view_lost_svg(FILE *out, const struct cl_results *r);

/* For an experiment with sweeps: one line per cell family against the first
 * swept setting (x), the median wall time on y (operations a second when
 * the cells are timed). 0, or -1 (writing nothing)
 * when the results have no numeric sweep. */
int cl_view_sweep_svg(FILE *out, const struct cl_results *r);

/* The same for cells of a duration step: fairness (Jain's index) on y. 0,
 * or -1 (writing nothing) when no cell is timed or nothing is swept. */
int cl_view_sweep_fair_svg(FILE *out, const struct cl_results *r);

/* Throughput over time: per timed cell with samples, the operations a
 * second of each interval of its median trial. 0, or -1 when none has
 * samples. */
int cl_view_timeline_svg(FILE *out, const struct cl_results *r);

/* Why a chart would be empty, for report to refuse it before it writes any
 * file: "no cell has samples (set sample_ms in a duration step)"; NULL when
 * the chart has something to draw. */
enum cl_chart { CL_CHART_BARS, CL_CHART_SWEEP, CL_CHART_FAIR, CL_CHART_TIMELINE };
const char *cl_view_chart_empty(const struct cl_results *r, enum cl_chart chart);

/* A timed cell's "45.8M (41.3M - 49.4M), Jain 0.98": median ops/s, its
 * interval and the fairness; "-" for any other cell. */
void cl_view_throughput(const struct cl_results_cell *c, char *buf, size_t len);

/* Has any cell a duration step? (its sweep chart then shows ops/s) */
bool cl_view_timed(const struct cl_results *r);

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

/* The cv every view shows for a cell: of its ops/s when it is timed (its
 * wall is its duration), of its wall time otherwise. */
double cl_view_cv(const struct cl_results_cell *c);

enum cl_escape {
	CL_ESCAPE_XML,      /* SVG: < > & and both quotes               */
	CL_ESCAPE_HTML,     /* a page's text: < > &                     */
	CL_ESCAPE_MARKDOWN, /* a table cell: also | [ ] ` \ and line breaks */
};

/* What a view writes, as one string (malloc'ed; "" when it writes nothing):
 * for the views that put one view's text inside another. */
typedef void (*cl_view_fn)(FILE *out, const struct cl_results *r);
char *cl_view_text(cl_view_fn view, const struct cl_results *r);

/* Write s so that the markup around it shows it as text; each character a
 * terminal would act on (ESC, BEL, DEL, C1, bidi overrides, bytes that are
 * not UTF-8) as '?', as cl_printable shows it. */
void cl_view_escaped(FILE *out, const char *s, enum cl_escape how);

/* What the cells' figures are: "ops/s" (every cell that ran is timed),
 * "wall" (none is), or "ops/s or wall". */
const char *cl_view_figure_name(const struct cl_results *r);

/* A rate with an SI suffix and three significant digits: 45.8M, 950k, 12.0 */
void cl_view_rate(double v, char *buf, size_t len);

/* A cell's figure, its interval and the interval's coverage, as every view
 * prints them: "45.8M ops/s", "41.3M - 49.4M", "75.0%" for a timed cell,
 * "1.203 s", "1.190 s - 1.214 s", "95.0%" for any other ("-" when it has
 * no ok trial, or no interval: one trial). */
void cl_view_figure(const struct cl_results_cell *c, char *median, char *interval, char *coverage,
		    size_t len);

/* "2.00x (1.90-2.10)", or "-" when there is none (no ok trial here or in
 * the baseline). */
void cl_view_speedup(const struct cl_results_cell *c, char *buf, size_t len);

#endif
