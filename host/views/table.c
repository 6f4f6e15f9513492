/* The aligned table a person reads after a run, and --vs. */
#include "views.h"
#include "compare.h"
#include "format.h"
#include "xalloc.h"

#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void cl_view_counter(const struct cl_results_cell *c, char *buf, size_t len)
{
	const struct cl_cell_summary *s = &c->summary;

	if (!s->counter_expected || !s->ok)
		snprintf(buf, len, "-");
	else if (s->lost_median == 0)
		snprintf(buf, len, "exact %llu", (unsigned long long)s->counter_expected);
	else
		snprintf(buf, len, "lost %lld of %llu", (long long)s->lost_median,
			 (unsigned long long)s->counter_expected);
}

static void notes_text(const struct cl_cell_summary *s, char *buf, size_t len)
{
	int n = 0;

	buf[0] = 0;
	if (s->noisy)
		n += snprintf(buf, len, "noisy (cv %.1f%%)", 100 * s->wall.cv);
	if (s->wall.outliers && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "%s%zu outlier%s", n ? ", " : "", s->wall.outliers,
			 s->wall.outliers == 1 ? "" : "s");
}

static const struct cl_results *sort_results;

static int by_median(const void *a, const void *b)
{
	const struct cl_cell_summary *x = &sort_results->cells[*(const size_t *)a].summary;
	const struct cl_cell_summary *y = &sort_results->cells[*(const size_t *)b].summary;
	double mx = x->ok ? x->wall.median : INFINITY, my = y->ok ? y->wall.median : INFINITY;

	return (mx > my) - (mx < my);
}

static bool trial_failed(const struct cl_trial_result *t)
{
	return t->status != CL_STATUS_OK;
}

static bool trial_left_some(const struct cl_trial_result *t)
{
	return t->left_behind > 0;
}

static void failed_line(FILE *out, const char *label, size_t k, const struct cl_trial_result *t)
{
	fprintf(out, "  %s, trial %zu%s: %s: %s\n", label, k + 1, t->warmup ? " (warmup)" : "",
		cl_status_name(t->status), t->message);
	if (t->output && *t->output)
		fprintf(out, "    it printed (last %zu bytes): %.400s%s\n", strlen(t->output), t->output,
			strlen(t->output) > 400 ? "..." : "");
}

static void left_behind_line(FILE *out, const char *label, size_t k, const struct cl_trial_result *t)
{
	fprintf(out, "  %s, trial %zu: %lld\n", label, k + 1, (long long)t->left_behind);
}

/* Below the table: a heading, then one line per trial that `wanted`; nothing
 * when no trial is. */
static void trial_notes(FILE *out, const struct cl_results *r, const char *heading,
			bool (*wanted)(const struct cl_trial_result *),
			void (*line)(FILE *, const char *, size_t, const struct cl_trial_result *))
{
	int said = 0;

	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_results_cell *c = &r->cells[i];

		for (size_t k = 0; k < c->ntrials; k++) {
			if (!wanted(&c->trials[k]))
				continue;
			if (!said++)
				fprintf(out, "\n%s\n", heading);
			line(out, c->label, k, &c->trials[k]);
		}
	}
}

static void row(FILE *out, int w, const struct cl_results *r, const struct cl_results_cell *c)
{
	const struct cl_cell_summary *s = &c->summary;
	char a[32], b[32], m[32], cpu[32], p50[32], p99[32], cnt[96], notes[64];
	char ok[48], range[80], speed[64], cv[16];

	snprintf(ok, sizeof ok, "%zu/%zu", s->ok, s->measured);
	if (!s->ok) {
		fprintf(out, "%-*s  %5s  %10s  %s\n", w, c->label, ok, "-",
			c->ntrials ? "(no trial ok: see below)"
				   : r->interrupted ? "(not run: the run was stopped)" : "(no trial run)");
		return;
	}
	cl_view_counter(c, cnt, sizeof cnt);
	if (s->ok && s->lost_median > 0 && s->inexact)
		strcat(cnt, " (race shown)");
	notes_text(s, notes, sizeof notes);
	snprintf(range, sizeof range, "%s - %s", cl_format_ns(llround(s->wall.ci_lo), a, sizeof a),
		 cl_format_ns(llround(s->wall.ci_hi), b, sizeof b));
	snprintf(speed, sizeof speed, "%.2fx (%.2f-%.2f)", s->speedup, s->speedup_lo, s->speedup_hi);
	snprintf(cv, sizeof cv, "%.1f%%", 100 * s->wall.cv);
	fprintf(out, "%-*s  %5s  %10s  %-21s  %6s  %10s  %5.2f  %7.1f  %7.0f  %7.0f  %10s  %10s  %-21s  %s%s%s\n",
		w, c->label, ok, cl_format_ns(llround(s->wall.median), m, sizeof m), range, cv,
		cl_format_ns(llround(s->cpu_ns), cpu, sizeof cpu), s->cores, s->rss_kb / 1024, s->vcsw,
		s->ivcsw, cl_format_ns(llround(s->p50_ns), p50, sizeof p50),
		cl_format_ns(llround(s->p99_ns), p99, sizeof p99), speed, cnt, *notes ? "  " : "", notes);
}

void cl_view_table(FILE *out, const struct cl_results *r, bool sort_by_wall)
{
	int w = 4;
	size_t *order = cl_xmalloc((r->ncells + 1) * sizeof *order);
	double min_level = 1;
	const char *warnings = json_string_value(json_object_get(r->environment, "warnings"));

	for (size_t i = 0; i < r->ncells; i++) {
		int len = (int)strlen(r->cells[i].label);

		w = len > w ? len : w;
		order[i] = i;
		if (r->cells[i].summary.ok && r->cells[i].summary.wall.ci_level < min_level)
			min_level = r->cells[i].summary.wall.ci_level;
	}
	if (sort_by_wall) {
		sort_results = r;
		qsort(order, r->ncells, sizeof *order, by_median);
	}
	fprintf(out, "%s: %s\n", r->name, r->description ? r->description : r->path ? r->path : "");
	fprintf(out, "%lld trial%s per cell after %lld warmup; timeout %.3g s; wall: median and its "
		"%s interval; speedup against %s\n", (long long)r->repeat, r->repeat == 1 ? "" : "s",
		(long long)r->warmup, r->timeout_s, min_level >= 0.95 ? "95% confidence" : "min-max",
		r->baseline ? r->baseline : "the first cell");
	if (warnings && *warnings)
		fprintf(out, "warning: %s\n", warnings);
	fprintf(out, "\n%-*s  %5s  %10s  %-21s  %6s  %10s  %5s  %7s  %7s  %7s  %10s  %10s  %-21s  %s\n", w,
		"cell", "ok", "wall", "interval", "cv", "cpu", "cores", "rss MB", "vcsw", "ivcsw",
		"resp p50", "resp p99", "speedup", "counter");
	for (size_t o = 0; o < r->ncells; o++)
		row(out, w, r, &r->cells[order[o]]);
	free(order);
	if (min_level <= 0)
		fprintf(out, "\ninterval: a cell with one trial has no interval for its median; use "
			"repeat >= 6 for a 95%% one.\n");
	else if (min_level < 0.95)
		fprintf(out, "\ninterval: with fewer than 6 trials no order-statistic interval reaches 95%%; "
			"the min-max shown covers the median with probability %.1f%%. Use repeat >= 6.\n",
			100 * min_level);
	trial_notes(out, r, "failed trials:", trial_failed, failed_line);
	trial_notes(out, r, "left behind: processes still running after their trial ended, "
		    "killed by conclab:", trial_left_some, left_behind_line);
	for (size_t i = 0; i < r->ncells; i++)
		if (r->cells[i].summary.noisy) {
			fprintf(out, "\nnoisy: the marked cells vary by more than %.0f%% (cv) between "
				"trials; run more trials or quiet the machine.\n",
				100 * cl_results_cv_threshold(r));
			break;
		}
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_cell_summary *s = &r->cells[i].summary;

		if (s->ok && s->lost_median > 0 && s->inexact) {
			fprintf(out, "\nrace: cells marked \"race shown\" use a sync that promises no "
				"exactness; their lost updates are the finding, not a failure.\n");
			break;
		}
	}
}

bool cl_vs_matches(const char *label, const char *pattern)
{
	return !strcmp(label, pattern) || fnmatch(pattern, label, 0) == 0;
}

/* --vs judges as compare does: the same alpha, the same 10% threshold,
 * and "inconclusive" when the trial counts cannot reach alpha. */
static void vs_line(FILE *out, const struct cl_results_cell *c, const struct cl_results_cell *ref)
{
	const struct cl_stats *cw = &c->summary.wall, *rw = &ref->summary.wall;
	struct cl_judgement j;
	double ratio = rw->median / cw->median, lo = rw->ci_lo / cw->ci_hi, hi = rw->ci_hi / cw->ci_lo;
	char verdict[96];

	cl_judge(ref, c, 0.05, CL_COMPARE_THRESHOLD, &j);
	if (ratio >= 1)
		fprintf(out, "%s is %.2fx (%.2f-%.2f) faster than %s", c->label, ratio, lo, hi, ref->label);
	else
		fprintf(out, "%s is %.2fx (%.2f-%.2f) slower than %s", c->label, 1 / ratio, 1 / hi, 1 / lo,
			ref->label);
	fprintf(out, " (Mann-Whitney p = %.3g: %s)\n", j.p,
		j.verdict == CL_VERDICT_SLOWER || j.verdict == CL_VERDICT_FASTER
			? "significant" : cl_verdict_text(&j, 0.05, verdict, sizeof verdict));
}

int cl_view_vs(FILE *out, const struct cl_results *r, const char *pattern)
{
	int found = 0;

	for (size_t k = 0; k < r->ncells; k++) {
		const struct cl_results_cell *ref = &r->cells[k];

		if (!cl_vs_matches(ref->label, pattern))
			continue;
		if (!found++)
			fprintf(out, "\n");
		for (size_t i = 0; i < r->ncells; i++)
			if (i != k && r->cells[i].summary.ok && ref->summary.ok)
				vs_line(out, &r->cells[i], ref);
	}
	return found ? 0 : -1;
}
