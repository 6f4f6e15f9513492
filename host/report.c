/* Per-cell summaries and the aligned table a person reads after a run. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

const char *cl_format_ns(int64_t ns, char *buf, size_t len)
{
	double v = (double)ns;

	if (ns >= 1000000000)
		snprintf(buf, len, "%.3f s", v / 1e9);
	else if (ns >= 1000000)
		snprintf(buf, len, "%.1f ms", v / 1e6);
	else if (ns >= 1000)
		snprintf(buf, len, "%.1f us", v / 1e3);
	else
		snprintf(buf, len, "%lld ns", (long long)ns);
	return buf;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int64_t median(int64_t *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_i64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void cl_report_summarize(struct cl_report *rep)
{
	int64_t base = 0;

	for (size_t c = 0; c < rep->ncells; c++) {
		struct cl_cell_result *cr = &rep->cells[c];
		int64_t *walls = calloc(cr->ntrials + 1, sizeof *walls);
		int64_t *lost = calloc(cr->ntrials + 1, sizeof *lost);

		cr->measured = cr->ok = 0;
		for (size_t i = 0; i < cr->ntrials; i++) {
			const struct cl_trial_result *t = &cr->trials[i];

			if (t->warmup)
				continue;
			cr->measured++;
			if (t->status != CL_STATUS_OK)
				continue;
			walls[cr->ok] = t->wall_ns;
			lost[cr->ok++] = t->counter_lost;
		}
		if (cr->ok) {
			cr->wall_median = median(walls, cr->ok);
			cr->wall_min = walls[0];
			cr->wall_max = walls[cr->ok - 1];
			cr->lost_median = median(lost, cr->ok);
			if (!base)
				base = cr->wall_median;
			cr->speedup = cr->wall_median > 0 ? (double)base / (double)cr->wall_median : 0;
		}
		free(walls);
		free(lost);
	}
}

int cl_report_exit_code(const struct cl_report *rep)
{
	for (size_t c = 0; c < rep->ncells; c++)
		for (size_t i = 0; i < rep->cells[c].ntrials; i++)
			if (rep->cells[c].trials[i].status != CL_STATUS_OK)
				return 1;
	return 0;
}

/* The medians of the ok trials' other measures, for the table. */
struct typical {
	int64_t cpu, rss, vcsw, ivcsw, p50, p99;
	double  cores;
};

static struct typical typical_of(const struct cl_cell_result *cr)
{
	struct typical ty = { 0 };
	size_t n = 0;
	int64_t *v[6];

	for (int k = 0; k < 6; k++)
		v[k] = calloc(cr->ntrials + 1, sizeof *v[k]);
	for (size_t i = 0; i < cr->ntrials; i++) {
		const struct cl_trial_result *t = &cr->trials[i];

		if (t->warmup || t->status != CL_STATUS_OK)
			continue;
		v[0][n] = t->user_ns + t->sys_ns;
		v[1][n] = t->max_rss_kb;
		v[2][n] = t->vcsw;
		v[3][n] = t->ivcsw;
		v[4][n] = t->lat_p50_ns;
		v[5][n] = t->lat_p99_ns;
		n++;
	}
	if (n) {
		ty.cpu = median(v[0], n);
		ty.rss = median(v[1], n);
		ty.vcsw = median(v[2], n);
		ty.ivcsw = median(v[3], n);
		ty.p50 = median(v[4], n);
		ty.p99 = median(v[5], n);
		ty.cores = cr->wall_median ? (double)ty.cpu / (double)cr->wall_median : 0;
	}
	for (int k = 0; k < 6; k++)
		free(v[k]);
	return ty;
}

static void counter_text(const struct cl_cell_result *cr, char *buf, size_t len)
{
	const struct cl_trial_result *t = cr->ntrials ? &cr->trials[cr->ntrials - 1] : NULL;

	if (!t || !t->counter_expected || !cr->ok)
		snprintf(buf, len, "-");
	else if (cr->lost_median == 0)
		snprintf(buf, len, "exact %llu", (unsigned long long)t->counter_expected);
	else
		snprintf(buf, len, "lost %lld of %llu%s", (long long)cr->lost_median,
			 (unsigned long long)t->counter_expected, t->inexact ? " (race shown)" : "");
}

void cl_report_table(FILE *out, const struct cl_report *rep)
{
	const struct cl_experiment *x = rep->x;
	int w = 4;
	char a[32], b[32], c[32], d[32], e[32], f[32], cnt[96];

	for (size_t i = 0; i < rep->ncells; i++) {
		int len = (int)strlen(rep->cells[i].cell->label);

		w = len > w ? len : w;
	}
	fprintf(out, "%s: %s\n", x->name, x->description ? x->description : x->path);
	fprintf(out, "%lld trial%s per cell after %lld warmup; timeout %.3g s; wall is the median, "
		"range min-max; speedup against the first cell\n\n",
		(long long)x->repeat, x->repeat == 1 ? "" : "s", (long long)x->warmup,
		(double)x->timeout_ms / 1000);
	fprintf(out, "%-*s  %5s  %10s  %-21s  %10s  %5s  %7s  %7s  %7s  %10s  %10s  %7s  %s\n", w,
		"cell", "ok", "wall", "range", "cpu", "cores", "rss MB", "vcsw", "ivcsw", "task p50",
		"task p99", "speedup", "counter");
	for (size_t i = 0; i < rep->ncells; i++) {
		const struct cl_cell_result *cr = &rep->cells[i];
		struct typical ty = typical_of(cr);
		char ok[16], range[48], speed[16];

		snprintf(ok, sizeof ok, "%zu/%zu", cr->ok, cr->measured);
		counter_text(cr, cnt, sizeof cnt);
		if (!cr->ok) {
			fprintf(out, "%-*s  %5s  %10s  %-21s  (no trial ok: see below)\n", w,
				cr->cell->label, ok, "-", "-");
			continue;
		}
		snprintf(range, sizeof range, "%s - %s", cl_format_ns(cr->wall_min, a, sizeof a),
			 cl_format_ns(cr->wall_max, b, sizeof b));
		snprintf(speed, sizeof speed, "%.2fx", cr->speedup);
		fprintf(out, "%-*s  %5s  %10s  %-21s  %10s  %5.2f  %7.1f  %7lld  %7lld  %10s  %10s  %7s  %s\n",
			w, cr->cell->label, ok, cl_format_ns(cr->wall_median, c, sizeof c), range,
			cl_format_ns(ty.cpu, d, sizeof d), ty.cores, (double)ty.rss / 1024,
			(long long)ty.vcsw, (long long)ty.ivcsw, cl_format_ns(ty.p50, e, sizeof e),
			cl_format_ns(ty.p99, f, sizeof f), speed, cnt);
	}
	int said = 0;

	for (size_t i = 0; i < rep->ncells; i++) {
		const struct cl_cell_result *cr = &rep->cells[i];

		for (size_t k = 0; k < cr->ntrials; k++) {
			const struct cl_trial_result *t = &cr->trials[k];

			if (t->status == CL_STATUS_OK)
				continue;
			if (!said++)
				fprintf(out, "\nfailed trials:\n");
			fprintf(out, "  %s, trial %zu%s: %s: %s\n", cr->cell->label, k + 1,
				t->warmup ? " (warmup)" : "", cl_status_name(t->status), t->message);
			if (t->output && *t->output)
				fprintf(out, "    it printed (last %zu bytes): %.400s%s\n", strlen(t->output),
					t->output, strlen(t->output) > 400 ? "..." : "");
		}
	}
	for (size_t i = 0; i < rep->ncells; i++) {
		const struct cl_cell_result *cr = &rep->cells[i];

		if (cr->ok && cr->lost_median > 0 && cr->trials[0].inexact) {
			fprintf(out, "\nrace: cells marked \"race shown\" use a sync that promises no "
				"exactness; their lost updates are the finding, not a failure.\n");
			break;
		}
	}
}
