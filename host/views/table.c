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
/* 0: no task of the cell measured a response (no request step) */
static void resp50_text(const struct cl_results_cell *c, char *b, size_t n)
{
	c->summary.resp_p50_ns > 0 ? ns_text(c->summary.resp_p50_ns, b, n) : (void)snprintf(b, n, "-");
}
static void resp99_text(const struct cl_results_cell *c, char *b, size_t n)
{
	c->summary.resp_p99_ns > 0 ? ns_text(c->summary.resp_p99_ns, b, n) : (void)snprintf(b, n, "-");
}
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

void cl_view_rate(double v, char *b, size_t n)
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
	cl_view_rate(c->summary.ops_per_s.median, m, sizeof m);
	cl_view_rate(c->summary.ops_per_s.ci_lo, lo, sizeof lo);
	cl_view_rate(c->summary.ops_per_s.ci_hi, hi, sizeof hi);
	snprintf(buf, len, "%s (%s - %s), Jain %.2f", m, lo, hi, c->summary.jain);
}

static void ops_text(const struct cl_results_cell *c, char *b, size_t n)
{
	if (c->summary.timed)
		cl_view_rate(c->summary.ops_per_s.median, b, n);
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
	cl_view_rate(lo, l, sizeof l);
	cl_view_rate(hi, h, sizeof h);
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

/* A cell's notes, each a part of the notes column ("noisy (cv 7.1%)"). */
#define MAX_NOTES 5
struct cell_notes {
	char part[MAX_NOTES][96];
	int  n;
};

static void cell_notes(const struct cl_results_cell *c, struct cell_notes *cn)
{
	const struct cl_cell_summary *s = &c->summary;

	cn->n = 0;
	if (s->lost_median > 0 && s->inexact)
		snprintf(cn->part[cn->n++], sizeof cn->part[0], "race shown");
	if (s->noisy)
		snprintf(cn->part[cn->n++], sizeof cn->part[0], "noisy (cv %.1f%%)", 100 * cl_view_cv(c));
	if (s->wall.outliers && !s->timed)
		snprintf(cn->part[cn->n++], sizeof cn->part[0], "%zu outlier%s", s->wall.outliers,
			 s->wall.outliers == 1 ? "" : "s");
	if (s->interfered)
		snprintf(cn->part[cn->n++], sizeof cn->part[0], "interference in %zu/%zu%s", s->interfered,
			 s->ok, 2 * s->interfered >= s->ok ? " (most: not a fair figure)" : "");
	if (s->server_bound)
		snprintf(cn->part[cn->n++], sizeof cn->part[0], "server-bound in %zu/%zu%s", s->server_bound,
			 s->ok, 2 * s->server_bound >= s->ok ? " (most: not a fair figure)" : "");
}

/* The parts not in `common`, comma-separated. */
static void notes_join(const struct cell_notes *cn, const struct cell_notes *common, char *b, size_t n)
{
	size_t used = 0;

	b[0] = 0;
	for (int i = 0; i < cn->n && used < n; i++) {
		bool shared = false;

		for (int k = 0; common && k < common->n; k++)
			shared |= !strcmp(cn->part[i], common->part[k]);
		if (!shared)
			used += (size_t)snprintf(b + used, n - used, "%s%s", used ? ", " : "", cn->part[i]);
	}
}

static void notes_text(const struct cl_results_cell *c, char *b, size_t n)
{
	struct cell_notes cn;

	cell_notes(c, &cn);
	notes_join(&cn, NULL, b, n);
}

/* The notes every ok cell has (none when fewer than two cells are ok):
 * said once above the table instead of on every row. */
static void common_notes(const struct cl_results *r, struct cell_notes *common)
{
	size_t ok = 0;

	common->n = 0;
	for (size_t i = 0; i < r->ncells; i++) {
		struct cell_notes cn;
		struct cell_notes keep = { .n = 0 };

		if (!r->cells[i].summary.ok)
			continue;
		cell_notes(&r->cells[i], &cn);
		if (!ok++) {
			*common = cn;
			continue;
		}
		for (int k = 0; k < common->n; k++)
			for (int j = 0; j < cn.n; j++)
				if (!strcmp(common->part[k], cn.part[j])) {
					memcpy(keep.part[keep.n++], common->part[k], sizeof keep.part[0]);
					break;
				}
		*common = keep;
	}
	if (ok < 2)
		common->n = 0;
}

/* The interval's coverage: the probability that the shown interval holds
 * the cell's true median (order statistics; 0.95 from 6 trials). */
static void cover_text(const struct cl_results_cell *c, char *b, size_t n)
{
	double level = c->summary.timed ? c->summary.ops_per_s.ci_level : c->summary.wall.ci_level;

	if (level > 0)
		snprintf(b, n, "%.1f%%", 100 * level);
	else
		snprintf(b, n, "-");
}

void cl_view_figure(const struct cl_results_cell *c, char *median, char *interval, char *coverage,
		    size_t len)
{
	const struct cl_cell_summary *s = &c->summary;
	char lo[32];

	if (!s->ok) {
		snprintf(median, len, "-");
		snprintf(interval, len, "-");
		snprintf(coverage, len, "-");
		return;
	}
	cover_text(c, coverage, len);
	if (s->timed) {
		cl_view_rate(s->ops_per_s.median, lo, sizeof lo);
		snprintf(median, len, "%s ops/s", lo);
		ops_interval_text(c, interval, len);
		return;
	}
	cl_format_ns(llround(s->wall.median), median, len);
	interval_text(c, interval, len);
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
	{ "ops", "ops/s", ops_text, false, true, 0 },
	{ "ops-interval", "ops/s interval", ops_interval_text, true, false, 0 },
	{ "wall", "wall", wall_text, false, true, 0 },
	{ "interval", "interval", interval_text, true, false, 0 },
	{ "coverage", "cover", cover_text, false, false, 0 },
	{ "cv", "cv", cv_text, false, true, 6 },
	{ "fair", "fair", fair_text, false, true, 0 },
	{ "task-ops", "task ops min-max", spread_text, true, false, 0 },
	{ "cpu", "cpu", cpu_text, false, false, 0 },
	{ "cores", "cores", cores_text, false, true, 4 },
	{ "rss", "rss MB", rss_text, false, true, 2 },
	{ "rss-max", "largest MB", rss_max_text, false, false, 0 },
	{ "pss", "pss MB", pss_text, false, false, 0 },
	{ "vcsw", "vcsw", vcsw_text, false, false, 0 },
	{ "ivcsw", "ivcsw", ivcsw_text, false, false, 0 },
	{ "resp-p50", "resp p50", resp50_text, false, false, 0 },
	{ "resp-p99", "resp p99", resp99_text, false, true, 1 },
	{ "speedup", "speedup", speedup_text, false, true, 5 },
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
		snprintf(err, errlen, "no column '%s'%s (columns: ok, ops, ops-interval, wall, interval, "
			 "coverage, cv, fair, task-ops, cpu, cores, rss, rss-max, pss, vcsw, ivcsw, resp-p50, resp-p99, speedup, speedup-ci, counter, "
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

/* What the rows show, said once above them: the figures, the order, the
 * machine's warning, what shortened the labels, the notes of every row. */
static void header(FILE *out, const struct cl_results *r, const struct cl_table_opts *o,
		   const char *legend, const struct cell_notes *common)
{
	const char *warnings = json_string_value(json_object_get(r->environment, "warnings"));
	bool timed = cl_view_timed(r), untimed = false;

	for (size_t i = 0; i < r->ncells; i++)
		untimed |= !r->cells[i].summary.timed;
	fprintf(out, "%s: %s\n", r->name, r->description ? r->description : r->path ? r->path : "");
	fprintf(out, "%lld trial%s per cell after %lld warmup; timeout %.3g s; %s%s%sspeedup against %s "
		"(figures: medians; their intervals: --wide)\n", (long long)r->repeat,
		r->repeat == 1 ? "" : "s", (long long)r->warmup, r->timeout_s,
		timed ? "ops/s: operations a second in the duration step's window, fair: Jain's index "
			"of the tasks' counts (1 = even, 1/tasks = one task did all)" : "",
		timed && untimed ? "; wall: of the other cells" : "", timed ? "; " : "",
		r->baseline ? r->baseline : "the first cell of each workload and sweep value");
	if (r->order && !strcmp(r->order, "random"))
		fprintf(out, "trials of every cell interleaved in a random order (--seed %llu repeats it)\n",
			(unsigned long long)r->seed);
	if (warnings && *warnings && !o->warned)
		fprintf(out, "warning: %s\n", warnings);
	if (legend && *legend)
		fprintf(out, "%s\n", legend);
	for (int k = 0; common && k < common->n; k++)
		fprintf(out, "%s%s%s", k ? ", " : "every cell: ", common->part[k], k + 1 == common->n ? "\n" : "");
}

static size_t column_index(const char *key)
{
	size_t k = 0;

	while (k < NCOLUMNS && strcmp(columns[k].key, key))
		k++;
	return k;
}

/* How wide the rows are with these labels and every default column. */
static int full_width(const struct cl_results *r, const struct cl_table_opts *o, char **labels,
		      char (*text)[NCOLUMNS][TEXT_LEN])
{
	int label_w = 4, widths[NCOLUMNS], total;
	struct cl_table_opts unfitted = *o;
	uint32_t shown;

	for (size_t i = 0; i < r->ncells; i++)
		label_w = (int)strlen(labels[i]) > label_w ? (int)strlen(labels[i]) : label_w;
	unfitted.width = 0;
	shown = choose_columns(r, &unfitted, text, label_w, widths);
	total = label_w;
	for (size_t k = 0; k < NCOLUMNS; k++)
		if (shown >> k & 1)
			total += 2 + widths[k];
	return total;
}

struct table_text {
	char      **labels;  /* what the rows show: the cells' or shortened */
	char       *legend;  /* what shortened them, or NULL */
	struct cell_notes common;
	char      (*text)[NCOLUMNS][TEXT_LEN];
};

/* Every cell's column texts and labels, fitted to the terminal: the
 * shortest labels that let every default column fit, else the shortest. */
static void table_text(const struct cl_results *r, const struct cl_table_opts *o, struct table_text *t)
{
	size_t notes = column_index("notes");
	size_t hidden[3] = { column_index("wall"), column_index("resp-p50"), column_index("resp-p99") };

	t->text = cl_xcalloc(r->ncells + 1, sizeof *t->text);
	common_notes(r, &t->common);
	for (size_t i = 0; i < r->ncells; i++) {
		struct cell_notes cn;

		for (size_t k = 0; k < NCOLUMNS; k++)
			columns[k].text(&r->cells[i], t->text[i][k], TEXT_LEN);
		cell_notes(&r->cells[i], &cn);
		notes_join(&cn, &t->common, t->text[i][notes], TEXT_LEN);
		/* a timed cell's wall, and every task's response, is its duration */
		for (size_t k = 0; r->cells[i].summary.timed && k < 3; k++)
			if (!(o->wide || (o->columns >> hidden[k] & 1)))
				snprintf(t->text[i][hidden[k]], TEXT_LEN, "-");
	}
	t->legend = NULL;
	t->labels = cl_xcalloc(r->ncells + 1, sizeof *t->labels);
	for (size_t i = 0; i < r->ncells; i++)
		t->labels[i] = cl_xstrdup(r->cells[i].label);
	for (int level = 1; level <= 2 && o->width > 0 && full_width(r, o, t->labels, t->text) > o->width;
	     level++) {
		cl_view_labels_free(t->labels, r->ncells);
		free(t->legend);
		t->labels = cl_view_short_labels(r, level, &t->legend);
	}
}

static void table_text_free(struct table_text *t, size_t n)
{
	cl_view_labels_free(t->labels, n);
	free(t->legend);
	free(t->text);
}

static uint32_t table_rows(FILE *out, const struct cl_results *r, const struct cl_table_opts *o,
			   const struct table_text *t)
{
	size_t *order = cl_xmalloc((r->ncells + 1) * sizeof *order);
	int label_w = 4, widths[NCOLUMNS];
	uint32_t shown;

	for (size_t i = 0; i < r->ncells; i++) {
		int len = (int)strlen(t->labels[i]);

		label_w = len > label_w ? len : label_w;
		order[i] = i;
	}
	if (o->sort) {
		sort_results = r;
		qsort(order, r->ncells, sizeof *order, by_median);
	}
	shown = choose_columns(r, o, t->text, label_w, widths);
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
			print_row(out, t->labels[order[o2]], label_w, shown, widths, t->text[order[o2]]);
			continue;
		}
		ok_text(c, ok, sizeof ok);
		fprintf(out, "%-*s  %*s  %s\n", label_w, t->labels[order[o2]], widths[0], ok,
			c->ntrials ? "(no trial ok: see below)"
				   : r->interrupted ? "(not run: the run was stopped)" : "(no trial run)");
	}
	free(order);
	return shown;
}

/* ---- the terminal's width ------------------------------------------------- */

/* The terminal's width when the table goes to one; 0 (no limit) when it
 * is piped to a file or a program. */
int cl_terminal_width(int fd)
{
	struct winsize ws;

	if (!isatty(fd))
		return 0;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
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

void cl_view_wrapped(FILE *out, const char *text, int width)
{
	wrapped(out, cl_xstrdup(text), width);
}

void cl_view_table(FILE *out, const struct cl_results *r, const struct cl_table_opts *o)
{
	char *summary = NULL, *text = NULL;
	/* prose piped keeps to 80 columns: only the rows may be wider */
	int prose = o->width > 0 ? o->width : 80;
	size_t len = 0;
	struct table_text t;
	FILE *f = open_memstream(&text, &len);

	table_text(r, o, &t);
	header(f, r, o, t.legend, &t.common);
	fclose(f);
	wrapped(out, text, prose);
	uint32_t shown = table_rows(out, r, o, &t);
	struct cl_notes_opts notes = { .marks_shown = shown >> column_index("notes") & 1,
				       .labels = t.labels };

	text = NULL;
	f = open_memstream(&text, &len);
	cl_view_notes_for(f, r, &notes);
	fclose(f);
	wrapped(out, text, prose);
	f = open_memstream(&summary, &len);
	cl_view_summary_for(f, r, t.labels);
	fclose(f);
	if (*summary)
		fprintf(out, "\nsummary\n");
	wrapped(out, summary, prose);
	table_text_free(&t, r->ncells);
}
