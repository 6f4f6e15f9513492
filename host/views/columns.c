/* What each column of the table says of a cell, and the figures every view
 * shares (cl_view_counter, cl_view_figure...): one text per figure, so the
 * table, Markdown, HTML and compare cannot drift apart. */
#define _GNU_SOURCE
#include "columns.h"
#include "format.h"
#include "suggest.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

void clv_cell_notes(const struct cl_results_cell *c, struct cell_notes *cn)
{
	const struct cl_cell_summary *s = &c->summary;

	cn->n = 0;
	if (s->lost_median > 0 && s->inexact)
		snprintf(cn->part[cn->n++], sizeof cn->part[0], "race shown");
	if (s->overloaded)
		snprintf(cn->part[cn->n++], sizeof cn->part[0], "overloaded %zu/%zu (%.0f of %.0f/s "
			 "scheduled)", s->overloaded, s->ok, s->achieved_per_s, s->scheduled_per_s);
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
void clv_notes_join(const struct cell_notes *cn, const struct cell_notes *common, char *b, size_t n)
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

	clv_cell_notes(c, &cn);
	clv_notes_join(&cn, NULL, b, n);
}

/* The notes every ok cell has (none when fewer than two cells are ok):
 * said once above the table instead of on every row. */
void clv_common_notes(const struct cl_results *r, struct cell_notes *common)
{
	size_t ok = 0;

	common->n = 0;
	for (size_t i = 0; i < r->ncells; i++) {
		struct cell_notes cn;
		struct cell_notes keep = { .n = 0 };

		if (!r->cells[i].summary.ok)
			continue;
		clv_cell_notes(&r->cells[i], &cn);
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
const struct clv_column clv_columns[NCOLUMNS] = {
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
_Static_assert(sizeof clv_columns / sizeof *clv_columns == NCOLUMNS, "NCOLUMNS: one per column");

int cl_table_columns(const char *list, uint32_t *mask, char *err, size_t errlen)
{
	char *copy = cl_xstrdup(list), *save = NULL;

	*mask = 0;
	for (char *key = strtok_r(copy, ",", &save); key; key = strtok_r(NULL, ",", &save)) {
		const char *keys[NCOLUMNS];
		char hint[128];
		size_t k = 0;

		while (k < NCOLUMNS && strcmp(clv_columns[k].key, key))
			k++;
		if (k < NCOLUMNS) {
			*mask |= 1u << k;
			continue;
		}
		for (size_t i = 0; i < NCOLUMNS; i++)
			keys[i] = clv_columns[i].key;
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

const char *cl_view_figure_name(const struct cl_results *r)
{
	bool timed = false, untimed = false;

	for (size_t i = 0; i < r->ncells; i++) { /* a cell not run is neither */
		timed |= r->cells[i].summary.ok && r->cells[i].summary.timed;
		untimed |= r->cells[i].summary.ok && !r->cells[i].summary.timed;
	}
	return timed && untimed ? "ops/s or wall" : timed ? "ops/s" : "wall";
}
