/* What a person reads around the table: the notes under it (coverage of
 * the intervals, failed trials, strays, noise, interference, the race) and
 * the summary read first (each group's fastest cell against its baseline,
 * those it cannot be told from, the slowest, the cells that could not be
 * judged and why, the race in one line). Every figure comes from the model. */
#include "views.h"

#include <string.h>

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

/* Per group of cells judged against one baseline: which ran fastest, by how
 * much against the baseline, and which slowest; then the race in one line.
 * Every figure comes from the rows above. */
static bool lost_some(const struct cl_cell_summary *s)
{
	return s->counter_expected && s->lost_median > 0;
}

/* The label the summary names a cell by: the table's row's when it is
 * under the table (shortened to fit a terminal), else the cell's own. */
static const char *name_of(const struct cl_results *r, char **labels, const struct cl_results_cell *c)
{
	return labels ? labels[c - r->cells] : c->label;
}
#define NAME(c) name_of(r, labels, (c))

/* The same for cells of a duration step, in operations a second. */
static void timed_summary(FILE *out, const struct cl_results *r, char **labels,
			  const struct cl_results_cell *base, const struct cl_results_cell *fast,
			  const struct cl_results_cell *slow)
{
	if (fast == base)
		fprintf(out, "  %s (the baseline) did the most operations a second; the fewest, %s, "
			"did %.3gx as many\n", NAME(base), NAME(slow),
			cl_cell_figure(fast) / cl_cell_figure(slow));
	else
		fprintf(out, "  %s did %.2f (%.2f-%.2f) times the operations a second of %s\n",
			NAME(fast), fast->summary.speedup, fast->summary.speedup_lo,
			fast->summary.speedup_hi, NAME(base));
	if (fast != base && slow != base)
		fprintf(out, "    the fewest, %s, did %.3gx as many as %s\n", NAME(slow),
			cl_cell_figure(base) / cl_cell_figure(slow), NAME(base));
}

/* Why a cell of a group cannot be its winner (NULL: it can): a cell that
 * lost updates did less than the work, one with failed trials or one
 * measured mostly under interference is not a fair figure. */
static const char *left_out_why(const struct cl_cell_summary *s, char *buf, size_t len)
{
	if (!s->ok)
		snprintf(buf, len, "no trial ok");
	else if (lost_some(s))
		snprintf(buf, len, "lost updates");
	else if (s->ok < s->measured)
		snprintf(buf, len, "%zu/%zu trials ok", s->ok, s->measured);
	else if (2 * s->interfered >= s->ok)
		snprintf(buf, len, "interference in %zu/%zu", s->interfered, s->ok);
	else
		return NULL;
	return buf;
}

/* b is as fast as a, as far as the trials can tell: the figures agree to
 * 1% (what the speedup's two decimals show), or their intervals overlap. */
static bool indistinguishable(const struct cl_results_cell *a, const struct cl_results_cell *b)
{
	const struct cl_stats *x = a->summary.timed ? &a->summary.ops_per_s : &a->summary.wall;
	const struct cl_stats *y = b->summary.timed ? &b->summary.ops_per_s : &b->summary.wall;
	double fa = cl_cell_figure(a), fb = cl_cell_figure(b);

	return (fa > 0 && fb > 0 && (fa > fb ? fa / fb : fb / fa) < 1.01) ||
	       (x->ci_lo <= y->ci_hi && y->ci_lo <= x->ci_hi);
}

/* c, of group b, is a rankable cell that cannot be told from the fastest. */
static bool tied(const struct cl_results_cell *c, size_t b, const struct cl_results_cell *fast)
{
	char why[64];

	return c->baseline == b && c != fast && !left_out_why(&c->summary, why, sizeof why) &&
	       indistinguishable(c, fast);
}

/* The cells the winner cannot be told from, on a line under its own. */
static void winners(FILE *out, const struct cl_results *r, char **labels, size_t b,
		    const struct cl_results_cell *fast)
{
	size_t ties = 0, said = 0;

	for (size_t i = 0; i < r->ncells; i++)
		ties += tied(&r->cells[i], b, fast);
	if (!ties)
		return;
	fprintf(out, "    and, indistinguishable from it (within 1%% or inside its interval): ");
	for (size_t i = 0; i < r->ncells; i++) {
		if (!tied(&r->cells[i], b, fast))
			continue;
		fprintf(out, "%s%s%s", said ? (said + 1 == ties ? " and " : ", ") : "", NAME(&r->cells[i]),
			i == b ? " (the baseline)" : "");
		said++;
	}
	fprintf(out, "\n");
}

/* The cells of group b that were not judged, and why. */
static void left_out(FILE *out, const struct cl_results *r, char **labels, size_t b)
{
	size_t said = 0;
	char why[64];

	for (size_t i = 0; i < r->ncells; i++) {
		if (r->cells[i].baseline != b || !left_out_why(&r->cells[i].summary, why, sizeof why))
			continue;
		fprintf(out, "%s%s (%s)", said++ ? ", " : "    left out: ", NAME(&r->cells[i]), why);
	}
	if (said)
		fprintf(out, "\n");
}

void cl_view_summary(FILE *out, const struct cl_results *r)
{
	cl_view_summary_for(out, r, NULL);
}

void cl_view_summary_for(FILE *out, const struct cl_results *r, char **labels)
{
	int lossy = 0;
	char why[64];

	for (size_t b = 0; b < r->ncells; b++) {
		const struct cl_results_cell *base = &r->cells[b], *fast = NULL, *slow = NULL;
		size_t n = 0, group = 0;

		/* only a whole, fair, exact cell may be the fastest or the slowest */
		for (size_t i = 0; i < r->ncells; i++) {
			const struct cl_results_cell *c = &r->cells[i];

			group += c->baseline == b;
			if (c->baseline != b || left_out_why(&c->summary, why, sizeof why))
				continue;
			n++;
			if (!fast || cl_cell_figure(c) < cl_cell_figure(fast))
				fast = c;
			if (!slow || cl_cell_figure(c) > cl_cell_figure(slow))
				slow = c;
		}
		/* an open-loop cell's wall time is its schedule's: its figure is
		 * latency against offered load (cl_view_knees, below) */
		if (group < 2 || base->summary.open_loop)
			continue;
		if (n < 2 || !base->summary.ok) { /* nothing to rank: say why, if anything was left out */
			if (n < group)
				fprintf(out, "  %s and its group: no winner named (%zu of %zu cells whole, fair "
					"and exact)\n", NAME(base), n, group);
			left_out(out, r, labels, b);
			continue;
		}
		if (base->summary.timed) { /* throughput: more is faster */
			timed_summary(out, r, labels, base, fast, slow);
			winners(out, r, labels, b, fast);
			left_out(out, r, labels, b);
			continue;
		}
		if (fast == base)
			fprintf(out, "  %s (the baseline) ran fastest; the slowest, %s, took %.2fx as long\n",
				NAME(base), NAME(slow), slow->summary.wall.median / fast->summary.wall.median);
		else if (fast->summary.speedup >= 1 || fast->summary.speedup <= 0)
			fprintf(out, "  %s ran %.2f (%.2f-%.2f) times faster than %s\n", NAME(fast),
				fast->summary.speedup, fast->summary.speedup_lo, fast->summary.speedup_hi,
				NAME(base));
		else /* the baseline did less than the work (it lost updates): never "0.26 times faster" */
			fprintf(out, "  the fastest exact cell, %s, took %.2fx (%.2f-%.2f) as long as %s\n",
				NAME(fast), 1 / fast->summary.speedup,
				fast->summary.speedup_hi > 0 ? 1 / fast->summary.speedup_hi : 0,
				fast->summary.speedup_lo > 0 ? 1 / fast->summary.speedup_lo : 0, NAME(base));
		winners(out, r, labels, b, fast);
		if (fast != base && slow != base)
			fprintf(out, "    the slowest, %s, took %.2fx as long as %s\n", NAME(slow),
				slow->summary.wall.median / base->summary.wall.median, NAME(base));
		left_out(out, r, labels, b);
	}
	cl_view_knees(out, r);
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_cell_summary *s = &r->cells[i].summary;

		if (!s->ok || !s->inexact || !lost_some(s))
			continue;
		fprintf(out, "%s%s lost %.1f%%", lossy++ ? ", " : "  without a lock, ", NAME(&r->cells[i]),
			100.0 * (double)s->lost_median / (double)s->counter_expected);
	}
	if (lossy) {
		size_t exact = 0, counted = 0;

		for (size_t i = 0; i < r->ncells; i++) {
			const struct cl_cell_summary *s = &r->cells[i].summary;

			counted += s->ok && s->counter_expected && !s->inexact;
			exact += s->ok && s->counter_expected && !s->inexact && s->lost_median == 0;
		}
		fprintf(out, " of the updates (medians)%s\n",
			counted && exact == counted ? "; every other sync kept them all" : "");
	}
}

/* The coverage of a cell's interval: the probability it holds the median. */
static double coverage(const struct cl_results_cell *c)
{
	return c->summary.timed ? c->summary.ops_per_s.ci_level : c->summary.wall.ci_level;
}

static void interval_note(FILE *out, const struct cl_results *r)
{
	double lo = 1, hi = 0;

	for (size_t i = 0; i < r->ncells; i++)
		if (r->cells[i].summary.ok) {
			double l = coverage(&r->cells[i]);

			lo = l < lo ? l : lo;
			hi = l > hi ? l : hi;
		}
	if (hi < lo) /* no cell ok */
		return;
	if (lo != hi) /* each cell its own: said in its row */
		fprintf(out, "\ninterval: each cell's covers its median with the probability in its "
			"cover column (--wide or --columns coverage): %.1f%% to %.1f%% here; 95%% needs "
			"6 ok trials.\n", 100 * lo, 100 * hi);
	else if (lo <= 0)
		fprintf(out, "\ninterval: a cell with one trial has no interval for its median; use "
			"repeat >= 6 for a 95%% one.\n");
	else if (lo < 0.95)
		fprintf(out, "\ninterval: with fewer than 6 trials no order-statistic interval reaches 95%%; "
			"the min-max shown covers the median with probability %.1f%% in every cell. Use "
			"repeat >= 6.\n", 100 * lo);
}

/* Who a note below the table is about: every cell, the cells marked in
 * the notes column when it is on screen, else the cells by name. */
static size_t who(FILE *out, const struct cl_results *r, const struct cl_notes_opts *o,
		  bool (*has)(const struct cl_cell_summary *))
{
	size_t n = 0, ok = 0, said = 0;

	for (size_t i = 0; i < r->ncells; i++) {
		ok += r->cells[i].summary.ok > 0;
		n += r->cells[i].summary.ok && has(&r->cells[i].summary);
	}
	if (n == ok && n > 1) {
		fprintf(out, "every cell");
		return 1; /* "every cell varies" */
	}
	if (!o || o->marks_shown) {
		fprintf(out, "the marked cell%s", n == 1 ? "" : "s");
		return n;
	}
	for (size_t i = 0; i < r->ncells; i++) {
		if (!r->cells[i].summary.ok || !has(&r->cells[i].summary))
			continue;
		if (said == 4) {
			fprintf(out, " and %zu more (--columns notes marks them)", n - said);
			return n;
		}
		fprintf(out, "%s%s", said ? (said + 1 == n ? " and " : ", ") : "",
			name_of(r, o->labels, &r->cells[i]));
		said++;
	}
	return n;
}

static bool is_noisy(const struct cl_cell_summary *s) { return s->noisy; }
static bool is_interfered(const struct cl_cell_summary *s) { return s->interfered > 0; }
static bool is_server_bound(const struct cl_cell_summary *s) { return s->server_bound > 0; }
static bool race_shown(const struct cl_cell_summary *s) { return s->lost_median > 0 && s->inexact; }

void cl_view_notes(FILE *out, const struct cl_results *r)
{
	cl_view_notes_for(out, r, NULL);
}

void cl_view_notes_for(FILE *out, const struct cl_results *r, const struct cl_notes_opts *o)
{
	interval_note(out, r);
	trial_notes(out, r, "failed trials:", trial_failed, failed_line);
	trial_notes(out, r, "left behind: processes still running after their trial ended, "
		    "killed by conclab:", trial_left_some, left_behind_line);
	for (size_t i = 0; i < r->ncells; i++)
		if (r->cells[i].summary.noisy) {
			fprintf(out, "\nnoisy: ");
			fputs(who(out, r, o, is_noisy) == 1 ? " varies" : " vary", out);
			fprintf(out, " by more than %.0f%% (cv) between trials; run more trials or "
				"quiet the machine.\n", 100 * cl_results_cv_threshold(r));
			break;
		}
	for (size_t i = 0; i < r->ncells; i++)
		if (r->cells[i].summary.interfered) {
			fprintf(out, "\ninterference: ");
			who(out, r, o, is_interfered);
			fprintf(out, " had trials measured while the hypervisor took 5%% or more of the "
				"CPU time (steal) or other processes kept every CPU busy; rerun on a quiet "
				"machine.\n");
			break;
		}
	for (size_t i = 0; i < r->ncells; i++)
		if (r->cells[i].summary.server_bound) {
			fprintf(out, "\nserver-bound: in ");
			who(out, r, o, is_server_bound);
			fprintf(out, " conclab's loopback server kept %.0f%% or more of a CPU busy over "
				"the trial (`server.busy` in the results): it shares the CPUs with the "
				"strategy, and the figure may be the server's.\n", 100 * CL_SERVER_BOUND);
			break;
		}
	for (size_t i = 0; i < r->ncells; i++)
		if (r->cells[i].summary.open_loop) {
			fprintf(out, "\nopen loop: tasks arrive on a schedule (arrival.rate a second), whether or "
				"not the last are done; resp p99 is from each task's scheduled arrival, so a "
				"model that falls behind shows its queue there (no coordinated omission), and a "
				"cell whose backlog grew to the end is marked overloaded, never averaged. Its "
				"wall time is the schedule's, so it has no speedup.\n");
			break;
		}
	cl_view_classes(out, r);
	for (size_t i = 0; i < r->ncells; i++)
		if (race_shown(&r->cells[i].summary)) {
			fprintf(out, "\nrace: ");
			size_t n = 2;

			if (!o || o->marks_shown)
				fprintf(out, "cells marked \"race shown\" use");
			else
				fputs((n = who(out, r, o, race_shown)) == 1 ? " uses" : " use", out);
			fprintf(out, " a sync that promises no exactness; %s lost updates are the finding, "
				"not a failure.\n", n == 1 ? "its" : "their");
			break;
		}
}

/* A view's text to out, each line longer than width broken at spaces,
 * its continuation indented like it (width 0: as it is). */
