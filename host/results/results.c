/* The per-cell summary, computed in one place for every view. */
#include "results.h"
#include "xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double cl_results_cv_threshold(const struct cl_results *r)
{
	return r->cv_threshold > 0 ? r->cv_threshold : CL_CV_THRESHOLD;
}

size_t cl_results_walls(const struct cl_results_cell *c, double **walls)
{
	size_t n = 0;

	*walls = cl_xmalloc((c->ntrials + 1) * sizeof **walls);
	for (size_t i = 0; i < c->ntrials; i++)
		if (cl_trial_counts(&c->trials[i]))
			(*walls)[n++] = !c->trials[i].timed ? (double)c->trials[i].wall_ns
				      : c->trials[i].ops_per_s > 0 ? 1e9 / c->trials[i].ops_per_s : INFINITY;
	return n;
}

double cl_cell_figure(const struct cl_results_cell *c)
{
	if (!c->summary.ok)
		return 0;
	if (!c->summary.timed)
		return c->summary.wall.median;
	return c->summary.ops_per_s.median > 0 ? 1e9 / c->summary.ops_per_s.median : INFINITY;
}

/* The median of one figure over the counted trials. */
static double median_of(const struct cl_results_cell *c, double (*figure)(const struct cl_trial_result *),
			double *scratch)
{
	size_t n = 0;

	for (size_t i = 0; i < c->ntrials; i++)
		if (cl_trial_counts(&c->trials[i]))
			scratch[n++] = figure(&c->trials[i]);
	return cl_median(scratch, n);
}

static double cpu_of(const struct cl_trial_result *t) { return (double)(t->user_ns + t->sys_ns); }
static double cores_of(const struct cl_trial_result *t) { return t->cores; }
static double rss_of(const struct cl_trial_result *t) { return (double)t->rss_sum_kb; }
static double pss_of(const struct cl_trial_result *t) { return (double)t->pss_sum_kb; }
static double rss_max_of(const struct cl_trial_result *t) { return (double)t->max_rss_kb; }
static double vcsw_of(const struct cl_trial_result *t) { return (double)t->vcsw; }
static double ivcsw_of(const struct cl_trial_result *t) { return (double)t->ivcsw; }
static double p50_of(const struct cl_trial_result *t) { return (double)t->lat_p50_ns; }
static double p99_of(const struct cl_trial_result *t) { return (double)t->lat_p99_ns; }
static double resp_p50_of(const struct cl_trial_result *t) { return (double)t->resp_p50_ns; }
static double resp_p99_of(const struct cl_trial_result *t) { return (double)t->resp_p99_ns; }
static double lost_of(const struct cl_trial_result *t) { return (double)t->counter_lost; }
static double jain_of(const struct cl_trial_result *t) { return t->jain; }
static double achieved_of(const struct cl_trial_result *t) { return t->achieved_per_s; }
static double late_p99_of(const struct cl_trial_result *t) { return (double)t->late_p99_ns; }
static double ops_cv_of(const struct cl_trial_result *t) { return t->ops_cv; }
static double ops_min_of(const struct cl_trial_result *t) { return (double)t->ops_min; }
static double ops_max_of(const struct cl_trial_result *t) { return (double)t->ops_max; }

/* Throughput and fairness of a timed cell's counted trials. */
static void summarize_timed(struct cl_results_cell *c, double *scratch)
{
	struct cl_cell_summary *s = &c->summary;
	size_t n = 0;

	for (size_t i = 0; i < c->ntrials; i++)
		s->timed |= c->trials[i].timed;
	if (!s->timed)
		return;
	for (size_t i = 0; i < c->ntrials; i++)
		if (cl_trial_counts(&c->trials[i]))
			scratch[n++] = c->trials[i].ops_per_s;
	cl_stats_of(scratch, n, &s->ops_per_s);
	s->jain = median_of(c, jain_of, scratch);
	s->ops_cv = median_of(c, ops_cv_of, scratch);
	s->ops_min = median_of(c, ops_min_of, scratch);
	s->ops_max = median_of(c, ops_max_of, scratch);
}

static double expected_of(const struct cl_trial_result *t) { return (double)t->counter_expected; }

/* The counter of the counted trials: the median expected count (a timed
 * cell's differs from trial to trial) and how many ended exact, never one
 * trial's figures for the cell's. */
static void summarize_counter(struct cl_results_cell *c, double *scratch)
{
	struct cl_cell_summary *s = &c->summary;
	uint64_t first = 0;

	for (size_t i = 0; i < c->ntrials; i++) {
		const struct cl_trial_result *t = &c->trials[i];

		if (!t->counter_expected)
			continue;
		s->inexact = t->inexact;
		if (!cl_trial_counts(t))
			continue;
		s->counter_exact += t->counter_lost == 0;
		s->counter_varies |= first && t->counter_expected != first;
		first = first ? first : t->counter_expected;
	}
	s->counter_expected = first ? (uint64_t)llround(median_of(c, expected_of, scratch)) : 0;
	if (!s->ok) /* no counted trial: what the cell was to count, for the views' "-" */
		for (size_t i = 0; i < c->ntrials && !s->counter_expected; i++)
			s->counter_expected = c->trials[i].counter_expected;
}

/* Arrivals and classes of an open-loop or classed cell's counted trials. */
static void summarize_open_loop(struct cl_results_cell *c, double *scratch)
{
	struct cl_cell_summary *s = &c->summary;

	for (size_t i = 0; i < c->ntrials; i++) {
		const struct cl_trial_result *t = &c->trials[i];

		if (!cl_trial_counts(t))
			continue;
		s->open_loop |= t->open_loop;
		s->offered_per_s = t->open_loop ? t->offered_per_s : s->offered_per_s;
		s->scheduled_per_s = t->open_loop && !s->scheduled_per_s ? t->scheduled_per_s : s->scheduled_per_s;
		s->overloaded += t->overloaded;
		s->nclasses = t->nclasses > s->nclasses ? t->nclasses : s->nclasses;
	}
	if (s->open_loop) {
		s->achieved_per_s = median_of(c, achieved_of, scratch);
		s->late_p99_ns = median_of(c, late_p99_of, scratch);
	}
	for (size_t k = 0; k < s->nclasses; k++) {
		size_t n50 = 0, n99 = 0;
		double *p99 = scratch + c->ntrials + 1;

		for (size_t i = 0; i < c->ntrials; i++) {
			const struct cl_trial_result *t = &c->trials[i];

			if (!cl_trial_counts(t) || k >= t->nclasses || !t->classes[k].done)
				continue;
			snprintf(s->classes[k].name, sizeof s->classes[k].name, "%s", t->classes[k].name);
			scratch[n50++] = (double)t->classes[k].resp_p50_ns;
			p99[n99++] = (double)t->classes[k].resp_p99_ns;
		}
		s->classes[k].resp_p50_ns = cl_median(scratch, n50);
		s->classes[k].resp_p99_ns = cl_median(p99, n99);
	}
}

static void summarize_cell(struct cl_results_cell *c, double cv_threshold)
{
	struct cl_cell_summary *s = &c->summary;
	double *walls = cl_xmalloc((c->ntrials + 1) * sizeof *walls);
	double *scratch = cl_xmalloc(2 * (c->ntrials + 1) * sizeof *scratch);
	size_t n = 0;

	memset(s, 0, sizeof *s);
	for (size_t i = 0; i < c->ntrials; i++) {
		if (cl_trial_counts(&c->trials[i]))
			walls[n++] = (double)c->trials[i].wall_ns;
		s->measured += !c->trials[i].warmup;
		s->interfered += cl_trial_counts(&c->trials[i]) && c->trials[i].interfered;
		s->server_bound += cl_trial_counts(&c->trials[i]) && c->trials[i].server_bound;
	}
	s->ok = n;
	cl_stats_of(walls, n, &s->wall);
	s->cpu_ns = median_of(c, cpu_of, scratch);
	s->cores = median_of(c, cores_of, scratch);
	s->rss_kb = median_of(c, rss_of, scratch);
	s->rss_max_kb = median_of(c, rss_max_of, scratch);
	s->pss_kb = median_of(c, pss_of, scratch);
	s->vcsw = median_of(c, vcsw_of, scratch);
	s->ivcsw = median_of(c, ivcsw_of, scratch);
	s->p50_ns = median_of(c, p50_of, scratch);
	s->p99_ns = median_of(c, p99_of, scratch);
	s->resp_p50_ns = median_of(c, resp_p50_of, scratch);
	s->resp_p99_ns = median_of(c, resp_p99_of, scratch);
	s->lost_median = llround(median_of(c, lost_of, scratch));
	summarize_timed(c, scratch);
	summarize_open_loop(c, scratch);
	/* a timed cell's wall is its duration: its noise is in the throughput */
	s->noisy = n >= 2 && (s->timed ? s->ops_per_s.cv : s->wall.cv) > cv_threshold;
	summarize_counter(c, scratch);
	free(walls);
	free(scratch);
}

void cl_results_summarize(struct cl_results *r)
{
	for (size_t c = 0; c < r->ncells; c++)
		summarize_cell(&r->cells[c], cl_results_cv_threshold(r));
	for (size_t c = 0; c < r->ncells; c++) {
		struct cl_cell_summary *s = &r->cells[c].summary;
		const struct cl_stats *b = &r->cells[r->cells[c].baseline].summary.wall, *w = &s->wall;

		const struct cl_cell_summary *bs = &r->cells[r->cells[c].baseline].summary;

		if (s->timed != bs->timed) /* throughput against time: no ratio */
			continue;
		if (s->open_loop || bs->open_loop) /* a schedule's wall time: no ratio either */
			continue;
		if (s->timed) {
			b = &s->ops_per_s; /* more operations a second is faster */
			w = &bs->ops_per_s;
		}
		if (!s->ok || !b->n || w->median <= 0)
			continue;
		s->speedup = b->median / w->median;
		s->speedup_lo = w->ci_hi > 0 ? b->ci_lo / w->ci_hi : 0;
		s->speedup_hi = w->ci_lo > 0 ? b->ci_hi / w->ci_lo : 0;
	}
}

int cl_results_exit_code(const struct cl_results *r)
{
	for (size_t c = 0; c < r->ncells; c++)
		for (size_t i = 0; i < r->cells[c].ntrials; i++)
			if (r->cells[c].trials[i].status != CL_STATUS_OK)
				return 1;
	return 0;
}

void cl_results_free(struct cl_results *r)
{
	for (size_t c = 0; r->cells && c < r->ncells; c++) {
		struct cl_results_cell *cell = &r->cells[c];

		for (size_t t = 0; cell->trials && t < cell->ntrials; t++)
			cl_trial_result_free(&cell->trials[t]);
		free(cell->trials);
		free(cell->label);
		free(cell->workload);
		free(cell->strategy);
		free(cell->sync);
		json_decref(cell->params);
		json_decref(cell->sweep);
		json_decref(cell->spec);
	}
	free(r->cells);
	free(r->name);
	free(r->description);
	free(r->path);
	free(r->config);
	free(r->baseline);
	free(r->interrupted);
	json_decref(r->environment);
	memset(r, 0, sizeof *r);
}

double cl_min_p(size_t m, size_t n)
{
	double c = 1; /* C(m + n, m), as a double: exact up to 2^53 */

	for (size_t k = 1; k <= m; k++)
		c = c * (double)(n + k) / (double)k;
	return 2 / c < 1 ? 2 / c : 1;
}

size_t cl_trials_for(double alpha)
{
	size_t k = 1;

	while (cl_min_p(k, k) >= alpha && k < 1000)
		k++;
	return k;
}

/* A cell whose figure a change cannot be read from: most of its counted
 * trials measured under interference, or a cv above the threshold. */
static bool unreliable(const struct cl_results_cell *c, const char *side, char *why, size_t len)
{
	const struct cl_cell_summary *s = &c->summary;

	if (s->ok && 2 * s->interfered >= s->ok)
		snprintf(why, len, "interference in %zu/%zu (%s)", s->interfered, s->ok, side);
	else if (s->noisy)
		snprintf(why, len, "noisy, cv %.1f%% (%s)", 100 * (s->timed ? s->ops_per_s.cv : s->wall.cv),
			 side);
	else
		return false;
	return true;
}

void cl_difference_weigh(const struct cl_results_cell *a, const struct cl_results_cell *b,
			 double alpha, double threshold, struct cl_difference *j)
{
	double *x, *y;

	memset(j, 0, sizeof *j);
	j->na = cl_results_walls(a, &x);
	j->nb = cl_results_walls(b, &y);
	j->p = cl_mann_whitney(y, j->nb, x, j->na, NULL);
	j->ratio = cl_cell_figure(a) > 0 ? cl_cell_figure(b) / cl_cell_figure(a) : 0;
	free(x);
	free(y);
	if (!j->na || !j->nb)
		j->verdict = CL_VERDICT_NONE;
	else if (cl_min_p(j->na, j->nb) >= alpha)
		j->verdict = CL_VERDICT_INCONCLUSIVE;
	else if (j->p >= alpha)
		j->verdict = CL_VERDICT_SAME;
	else if (j->ratio >= 1 + threshold)
		j->verdict = CL_VERDICT_SLOWER;
	else if (j->ratio <= 1 / (1 + threshold))
		j->verdict = CL_VERDICT_FASTER;
	else
		j->verdict = CL_VERDICT_WITHIN;
	if ((j->verdict == CL_VERDICT_SLOWER || j->verdict == CL_VERDICT_FASTER) &&
	    (unreliable(a, "old", j->why, sizeof j->why) || unreliable(b, "new", j->why, sizeof j->why)))
		j->verdict = CL_VERDICT_UNRELIABLE;
}

const char *cl_verdict_text(const struct cl_difference *j, double alpha, char *buf, size_t len)
{
	switch (j->verdict) {
	case CL_VERDICT_NONE: snprintf(buf, len, "no ok trials to compare"); break;
	case CL_VERDICT_INCONCLUSIVE:
		snprintf(buf, len, "inconclusive (n too small: at least %zu trials each)",
			 cl_trials_for(alpha));
		break;
	case CL_VERDICT_SAME: snprintf(buf, len, "same (not significant)"); break;
	case CL_VERDICT_WITHIN: snprintf(buf, len, "same (within the threshold)"); break;
	case CL_VERDICT_SLOWER: snprintf(buf, len, "SLOWER (significant)"); break;
	case CL_VERDICT_FASTER: snprintf(buf, len, "faster (significant)"); break;
	case CL_VERDICT_UNRELIABLE: snprintf(buf, len, "unreliable: %s", j->why); break;
	}
	return buf;
}
