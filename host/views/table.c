/* The aligned table a person reads after a run: its columns, fitted to the
 * terminal, with the notes and the summary (notes.c) around it. */
#define _GNU_SOURCE
#include "views.h"
#include "format.h"
#include "suggest.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

void cl_view_counter(const struct cl_results_cell *c, char *buf, size_t len)
{
	const struct cl_cell_summary *s = &c->summary;

	unsigned long long n = (unsigned long long)s->counter_expected;

	if (!s->counter_expected || !s->ok)
		snprintf(buf, len, "-");
	else if (s->counter_exact == s->ok && !s->counter_varies)
		snprintf(buf, len, "exact %llu", n);
	else if (s->lost_median == 0)
		snprintf(buf, len, "exact %zu/%zu, median %llu", s->counter_exact, s->ok, n);
	else if (s->counter_exact)
		snprintf(buf, len, "lost %lld of %llu, exact %zu/%zu", (long long)s->lost_median, n,
			 s->counter_exact, s->ok);
	else
		snprintf(buf, len, "lost %lld of %llu", (long long)s->lost_median, n);
}

double cl_view_cv(const struct cl_results_cell *c)
{
	return c->summary.timed ? c->summary.ops_per_s.cv : c->summary.wall.cv;
}

/* ---- the columns ---------------------------------------------------------- */

typedef void (*cell_text)(const struct cl_results_cell *c, char *buf, size_t len);

static void ok_text(const struct cl_results_cell *c, char *b, size_t n)
{
	snprintf(b, n, "%zu/%zu", c->summary.ok, c->summary.measured);
}

static void ns_text(double ns, char *b, size_t n)
{
	cl_format_ns(llround(ns), b, n);
}

static void wall_text(const struct cl_results_cell *c, char *b, size_t n) { ns_text(c->summary.wall.median, b, n); }
static void cpu_text(const struct cl_results_cell *c, char *b, size_t n) { ns_text(c->summary.cpu_ns, b, n); }
static void resp50_text(const struct cl_results_cell *c, char *b, size_t n) { ns_text(c->summary.resp_p50_ns, b, n); }
static void resp99_text(const struct cl_results_cell *c, char *b, size_t n) { ns_text(c->summary.resp_p99_ns, b, n); }
static void cores_text(const struct cl_results_cell *c, char *b, size_t n) { snprintf(b, n, "%.2f", c->summary.cores); }
static void rss_text(const struct cl_results_cell *c, char *b, size_t n) { snprintf(b, n, "%.1f", c->summary.rss_kb / 1024); }
static void rss_max_text(const struct cl_results_cell *c, char *b, size_t n) { snprintf(b, n, "%.1f", c->summary.rss_max_kb / 1024); }
static void pss_text(const struct cl_results_cell *c, char *b, size_t n)
{
	if (c->summary.pss_kb > 0)
		snprintf(b, n, "%.1f", c->summary.pss_kb / 1024);
	else /* not sampled: a trial of one process */
		snprintf(b, n, "-");
}
static void vcsw_text(const struct cl_results_cell *c, char *b, size_t n) { snprintf(b, n, "%.0f", c->summary.vcsw); }
static void ivcsw_text(const struct cl_results_cell *c, char *b, size_t n) { snprintf(b, n, "%.0f", c->summary.ivcsw); }
static void cv_text(const struct cl_results_cell *c, char *b, size_t n)
{
	snprintf(b, n, "%.1f%%", 100 * cl_view_cv(c));
}

/* 45.8M, 950k, 12.0 */
static void rate_text(double v, char *b, size_t n)
{
	if (v >= 1e9)
		snprintf(b, n, "%.2fG", v / 1e9);
	else if (v >= 1e6)
		snprintf(b, n, "%.*fM", v >= 1e8 ? 0 : v >= 1e7 ? 1 : 2, v / 1e6);
	else if (v >= 1e3)
		snprintf(b, n, "%.*fk", v >= 1e5 ? 0 : v >= 1e4 ? 1 : 2, v / 1e3);
	else
		snprintf(b, n, "%.1f", v);
}

void cl_view_throughput(const struct cl_results_cell *c, char *buf, size_t len)
{
	char m[32], lo[32], hi[32];

	if (!c->summary.timed || !c->summary.ok) {
		snprintf(buf, len, "-");
		return;
	}
	rate_text(c->summary.ops_per_s.median, m, sizeof m);
	rate_text(c->summary.ops_per_s.ci_lo, lo, sizeof lo);
	rate_text(c->summary.ops_per_s.ci_hi, hi, sizeof hi);
	snprintf(buf, len, "%s (%s - %s), Jain %.2f", m, lo, hi, c->summary.jain);
}

static void ops_text(const struct cl_results_cell *c, char *b, size_t n)
{
	if (c->summary.timed)
		rate_text(c->summary.ops_per_s.median, b, n);
	else
		snprintf(b, n, "-");
}

/* "lo<sep>hi" of a timed cell, each as rate_text writes it; "-" otherwise */
static void range_text(const struct cl_results_cell *c, double lo, double hi, const char *sep,
		       char *b, size_t n)
{
	char l[32], h[32];

	if (!c->summary.timed) {
		snprintf(b, n, "-");
		return;
	}
	rate_text(lo, l, sizeof l);
	rate_text(hi, h, sizeof h);
	snprintf(b, n, "%s%s%s", l, sep, h);
}

static void ops_interval_text(const struct cl_results_cell *c, char *b, size_t n)
{
	range_text(c, c->summary.ops_per_s.ci_lo, c->summary.ops_per_s.ci_hi, " - ", b, n);
}

static void fair_text(const struct cl_results_cell *c, char *b, size_t n)
{
	if (c->summary.timed) /* 1/10000 is not 0: that would say nobody worked */
		snprintf(b, n, c->summary.jain > 0 && c->summary.jain < 0.01 ? "%.1g" : "%.2f", c->summary.jain);
	else
		snprintf(b, n, "-");
}

static void spread_text(const struct cl_results_cell *c, char *b, size_t n)
{
	range_text(c, c->summary.ops_min, c->summary.ops_max, "-", b, n);
}
static void speedup_text(const struct cl_results_cell *c, char *b, size_t n)
{
	if (c->summary.speedup > 0)
		snprintf(b, n, "%.2fx", c->summary.speedup);
	else
		snprintf(b, n, "-");
}

static void interval_text(const struct cl_results_cell *c, char *b, size_t n)
{
	char lo[32], hi[32];

	snprintf(b, n, "%s - %s", cl_format_ns(llround(c->summary.wall.ci_lo), lo, sizeof lo),
		 cl_format_ns(llround(c->summary.wall.ci_hi), hi, sizeof hi));
}

static void speedup_ci_text(const struct cl_results_cell *c, char *b, size_t n)
{
	if (c->summary.speedup > 0)
		snprintf(b, n, "%.2f-%.2f", c->summary.speedup_lo, c->summary.speedup_hi);
	else
		snprintf(b, n, "-");
}

void cl_view_speedup(const struct cl_results_cell *c, char *buf, size_t len)
{
	const struct cl_cell_summary *s = &c->summary;

	if (s->speedup > 0)
		snprintf(buf, len, "%.2fx (%.2f-%.2f)", s->speedup, s->speedup_lo, s->speedup_hi);
	else
		snprintf(buf, len, "-");
}

static void notes_text(const struct cl_results_cell *c, char *b, size_t n)
{
	const struct cl_cell_summary *s = &c->summary;
	int used = 0;

	b[0] = 0;
	if (s->lost_median > 0 && s->inexact)
		used += snprintf(b, n, "race shown");
	if (s->noisy && (size_t)used < n)
		used += snprintf(b + used, n - (size_t)used, "%snoisy (cv %.1f%%)", used ? ", " : "",
				 100 * cl_view_cv(c));
	if (s->wall.outliers && (size_t)used < n)
		used += snprintf(b + used, n - (size_t)used, "%s%zu outlier%s", used ? ", " : "",
				 s->wall.outliers, s->wall.outliers == 1 ? "" : "s");
	if (s->interfered && (size_t)used < n)
		used += snprintf(b + used, n - (size_t)used, "%sinterference in %zu/%zu%s", used ? ", " : "",
				 s->interfered, s->ok,
				 2 * s->interfered >= s->ok ? " (most: not a fair figure)" : "");
	if (s->server_bound && (size_t)used < n)
		snprintf(b + used, n - (size_t)used, "%sserver-bound in %zu/%zu%s", used ? ", " : "",
			 s->server_bound, s->ok, 2 * s->server_bound >= s->ok ? " (most: not a fair figure)" : "");
}

/* Every column the table can show. `drop`: the order in which columns of
 * the default set give way when the terminal is too narrow (1 first; 0:
 * never). */
static const struct column {
	const char *key, *header;
	cell_text   text;
	bool        left, shown_by_default;
	int         drop;
} columns[] = {
	{ "ok", "ok", ok_text, false, true, 0 },
	{ "wall", "wall", wall_text, false, true, 0 },
	{ "interval", "interval", interval_text, true, false, 0 },
	{ "ops", "ops/s", ops_text, false, true, 0 },
	{ "ops-interval", "ops/s interval", ops_interval_text, true, false, 0 },
	{ "fair", "fair", fair_text, false, true, 0 },
	{ "task-ops", "task ops min-max", spread_text, true, false, 0 },
	{ "cv", "cv", cv_text, false, true, 4 },
	{ "cpu", "cpu", cpu_text, false, false, 0 },
	{ "cores", "cores", cores_text, false, true, 5 },
	{ "rss", "rss MB", rss_text, false, true, 2 },
	{ "rss-max", "largest MB", rss_max_text, false, false, 0 },
	{ "pss", "pss MB", pss_text, false, false, 0 },
	{ "vcsw", "vcsw", vcsw_text, false, false, 0 },
	{ "ivcsw", "ivcsw", ivcsw_text, false, false, 0 },
	{ "resp-p50", "resp p50", resp50_text, false, false, 0 },
	{ "resp-p99", "resp p99", resp99_text, false, true, 1 },
	{ "speedup", "speedup", speedup_text, false, true, 6 },
	{ "speedup-ci", "speedup interval", speedup_ci_text, true, false, 0 },
	{ "counter", "counter", cl_view_counter, true, true, 0 },
	{ "notes", "notes", notes_text, true, true, 3 },
};
#define NCOLUMNS (sizeof columns / sizeof *columns)

int cl_table_columns(const char *list, uint32_t *mask, char *err, size_t errlen)
{
	char *copy = cl_xstrdup(list), *save = NULL;

	*mask = 0;
	for (char *key = strtok_r(copy, ",", &save); key; key = strtok_r(NULL, ",", &save)) {
		const char *keys[NCOLUMNS];
		char hint[128];
		size_t k = 0;

		while (k < NCOLUMNS && strcmp(columns[k].key, key))
			k++;
		if (k < NCOLUMNS) {
			*mask |= 1u << k;
			continue;
		}
		for (size_t i = 0; i < NCOLUMNS; i++)
			keys[i] = columns[i].key;
		cl_suggest(key, keys, NCOLUMNS, 2, hint, sizeof hint);
		snprintf(err, errlen, "no column '%s'%s (columns: ok, wall, interval, ops, ops-interval, "
			 "fair, task-ops, cv, cpu, cores, rss, rss-max, pss, vcsw, ivcsw, resp-p50, resp-p99, speedup, speedup-ci, counter, "
			 "notes)",
			 key, hint);
		free(copy);
		return -1;
	}
	free(copy);
	return 0;
}

/* ---- the table ------------------------------------------------------------ */

static const struct cl_results *sort_results;

static int by_median(const void *a, const void *b)
{
	const struct cl_cell_summary *x = &sort_results->cells[*(const size_t *)a].summary;
	const struct cl_cell_summary *y = &sort_results->cells[*(const size_t *)b].summary;
	const struct cl_results_cell *cx = &sort_results->cells[*(const size_t *)a];
	const struct cl_results_cell *cy = &sort_results->cells[*(const size_t *)b];
	double mx = x->ok ? cl_cell_figure(cx) : INFINITY, my = y->ok ? cl_cell_figure(cy) : INFINITY;

	return (mx > my) - (mx < my);
}

#define TEXT_LEN 96

/* The columns to show: the asked-for set, or the default set narrowed to
 * `width` by dropping columns in their `drop` order. Fills widths[]. */
static uint32_t choose_columns(const struct cl_results *r, const struct cl_table_opts *o,
			       char (*text)[NCOLUMNS][TEXT_LEN], int label_w, int *widths)
{
	uint32_t shown = 0;
	int total = label_w;

	for (size_t k = 0; k < NCOLUMNS; k++) {
		widths[k] = (int)strlen(columns[k].header);
		for (size_t i = 0; i < r->ncells; i++)
			if (r->cells[i].summary.ok && (int)strlen(text[i][k]) > widths[k])
				widths[k] = (int)strlen(text[i][k]);
		bool any = false; /* a default column with nothing to say is left out */

		for (size_t i = 0; i < r->ncells; i++)
			any |= r->cells[i].summary.ok && *text[i][k] && strcmp(text[i][k], "-");
		if (o->wide || (o->columns ? o->columns >> k & 1 : columns[k].shown_by_default && any)) {
			shown |= 1u << k;
			total += 2 + widths[k];
		}
	}
	if (o->wide || o->columns || o->width <= 0)
		return shown;
	for (int drop = 1; total > o->width && drop <= 6; drop++)
		for (size_t k = 0; k < NCOLUMNS; k++)
			if (columns[k].drop == drop && shown >> k & 1) {
				shown &= ~(1u << k);
				total -= 2 + widths[k];
			}
	return shown;
}

static void print_row(FILE *out, const char *label, int label_w, uint32_t shown, const int *widths,
		      char (*text)[TEXT_LEN])
{
	char *line = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);

	fprintf(f, "%-*s", label_w, label);
	for (size_t k = 0; k < NCOLUMNS; k++)
		if (shown >> k & 1)
			fprintf(f, "  %*s", columns[k].left ? -widths[k] : widths[k], text[k]);
	fclose(f);
	while (len && line[len - 1] == ' ') /* a left-aligned last column pads nothing */
		line[--len] = 0;
	fprintf(out, "%s\n", line);
	free(line);
}

static void header(FILE *out, const struct cl_results *r)
{
	double min_level = 1;

	for (size_t i = 0; i < r->ncells; i++)
		if (r->cells[i].summary.ok && r->cells[i].summary.wall.ci_level < min_level)
			min_level = r->cells[i].summary.wall.ci_level;
	const char *warnings = json_string_value(json_object_get(r->environment, "warnings"));

	fprintf(out, "%s: %s\n", r->name, r->description ? r->description : r->path ? r->path : "");
	fprintf(out, "%lld trial%s per cell after %lld warmup; timeout %.3g s; wall: median (its "
		"%s interval: --wide); speedup against %s%s\n", (long long)r->repeat,
		r->repeat == 1 ? "" : "s", (long long)r->warmup, r->timeout_s,
		min_level >= 0.95 ? "95% confidence" : "min-max",
		r->baseline ? r->baseline : "the first cell of each workload and sweep value",
		cl_view_timed(r) ? "; ops/s: operations a second in the duration step's window, fair: "
			       "Jain's index of the tasks' counts (1 = even, 1/tasks = one task did all)" : "");
	if (r->order && !strcmp(r->order, "random"))
		fprintf(out, "trials of every cell interleaved in a random order (--seed %llu repeats it)\n",
			(unsigned long long)r->seed);
	if (warnings && *warnings)
		fprintf(out, "warning: %s\n", warnings);
}

static void table_rows(FILE *out, const struct cl_results *r, const struct cl_table_opts *o)
{
	char (*text)[NCOLUMNS][TEXT_LEN] = cl_xcalloc(r->ncells + 1, sizeof *text);
	size_t *order = cl_xmalloc((r->ncells + 1) * sizeof *order);
	int label_w = 4, widths[NCOLUMNS];
	uint32_t shown;

	for (size_t i = 0; i < r->ncells; i++) {
		int len = (int)strlen(r->cells[i].label);

		label_w = len > label_w ? len : label_w;
		order[i] = i;
		for (size_t k = 0; k < NCOLUMNS; k++)
			columns[k].text(&r->cells[i], text[i][k], TEXT_LEN);
	}
	if (o->sort) {
		sort_results = r;
		qsort(order, r->ncells, sizeof *order, by_median);
	}
	shown = choose_columns(r, o, text, label_w, widths);
	{
		char heads[NCOLUMNS][TEXT_LEN];

		for (size_t k = 0; k < NCOLUMNS; k++)
			snprintf(heads[k], TEXT_LEN, "%s", columns[k].header);
		fprintf(out, "\n");
		print_row(out, "cell", label_w, shown, widths, heads);
	}
	for (size_t o2 = 0; o2 < r->ncells; o2++) {
		const struct cl_results_cell *c = &r->cells[order[o2]];
		char ok[TEXT_LEN];

		if (c->summary.ok) {
			print_row(out, c->label, label_w, shown, widths, text[order[o2]]);
			continue;
		}
		ok_text(c, ok, sizeof ok);
		fprintf(out, "%-*s  %*s  %s\n", label_w, c->label, widths[0], ok,
			c->ntrials ? "(no trial ok: see below)"
				   : r->interrupted ? "(not run: the run was stopped)" : "(no trial run)");
	}
	free(text);
	free(order);
}

/* ---- the terminal's width ------------------------------------------------- */

/* The terminal's width when the table goes to one; 0 (no limit) when it
 * is piped to a file or a program. */
int cl_terminal_width(void)
{
	struct winsize ws;

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	return 80;
}

/* Text to out, each line longer than width broken at spaces, its
 * continuation indented like it (width 0: as it is); frees the text. */
static void wrapped(FILE *out, char *text, int width)
{
	for (char *line = text, *next; line && *line; line = next) {
		int indent = (int)strspn(line, " "), col = 0;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		for (char *w = line, *end; *w; w = end) {
			/* a word with the space before it (the first: with the indent) */
			int lead = w == line ? indent : 1;
			int n = lead + (int)strcspn(w + lead, " ");

			end = w + n;
			if (width > 0 && col > indent && col + n > width) {
				fprintf(out, "\n%*s", indent + 2, "");
				col = indent + 2;
				w += *w == ' ';
				n -= 1;
			}
			fprintf(out, "%.*s", n, w);
			col += n;
		}
		fprintf(out, "\n");
	}
	free(text);
}

void cl_view_table(FILE *out, const struct cl_results *r, const struct cl_table_opts *o)
{
	char *summary = cl_view_text(cl_view_summary, r);

	wrapped(out, cl_view_text(header, r), o->width);
	table_rows(out, r, o);
	wrapped(out, cl_view_text(cl_view_notes, r), o->width);
	if (*summary)
		fprintf(out, "\nsummary\n");
	wrapped(out, summary, o->width);
}

