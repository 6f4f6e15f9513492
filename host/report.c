/* Per-cell summaries and the aligned table a person reads after a run. */
#include "report.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	double threshold = rep->cv_threshold > 0 ? rep->cv_threshold : 0.05;

	for (size_t c = 0; c < rep->ncells; c++) {
		struct cl_cell_result *cr = &rep->cells[c];
		double *walls = cl_xcalloc(cr->ntrials + 1, sizeof *walls);
		int64_t *lost = cl_xcalloc(cr->ntrials + 1, sizeof *lost);

		cr->measured = cr->ok = 0;
		for (size_t i = 0; i < cr->ntrials; i++) {
			const struct cl_trial_result *t = &cr->trials[i];

			if (t->warmup)
				continue;
			cr->measured++;
			if (t->status != CL_STATUS_OK)
				continue;
			walls[cr->ok] = (double)t->wall_ns;
			lost[cr->ok++] = t->counter_lost;
		}
		cl_stats_of(walls, cr->ok, &cr->wall);
		cr->wall_median = llround(cr->wall.median);
		cr->wall_min = llround(cr->wall.min);
		cr->wall_max = llround(cr->wall.max);
		cr->lost_median = cr->ok ? median(lost, cr->ok) : 0;
		cr->noisy = cr->ok >= 2 && cr->wall.cv > threshold;
		free(walls);
		free(lost);
	}
	for (size_t c = 0; c < rep->ncells; c++) {
		struct cl_cell_result *cr = &rep->cells[c];
		const struct cl_stats *b = &rep->cells[cr->cell->baseline].wall;

		cr->speedup = cr->speedup_lo = cr->speedup_hi = 0;
		if (!cr->ok || !b->n || cr->wall.median <= 0)
			continue;
		cr->speedup = b->median / cr->wall.median;
		cr->speedup_lo = cr->wall.ci_hi > 0 ? b->ci_lo / cr->wall.ci_hi : 0;
		cr->speedup_hi = cr->wall.ci_lo > 0 ? b->ci_hi / cr->wall.ci_lo : 0;
	}
}

void cl_machine_warnings(char *buf, size_t len)
{
	double load[1];
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	char governor[64] = "";
	FILE *f = fopen("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "r");
	size_t used = 0;

	buf[0] = 0;
	if (getloadavg(load, 1) == 1 && load[0] > (double)cores)
		used += (size_t)snprintf(buf, len, "load average %.2f is above the %ld cores: other work "
					 "competes with the trials. ", load[0], cores);
	if (f) {
		if (fgets(governor, sizeof governor, f))
			governor[strcspn(governor, "\n")] = 0;
		fclose(f);
	}
	if (*governor && strcmp(governor, "performance") && used < len)
		snprintf(buf + used, len - used, "CPU frequency governor is '%s', not 'performance': "
			 "clock speed may change during the run. ", governor);
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
		v[k] = cl_xcalloc(cr->ntrials + 1, sizeof *v[k]);
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

static void notes_text(const struct cl_cell_result *cr, char *buf, size_t len)
{
	int n = 0;

	buf[0] = 0;
	if (cr->noisy)
		n += snprintf(buf, len, "noisy (cv %.1f%%)", 100 * cr->wall.cv);
	if (cr->wall.outliers && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "%s%zu outlier%s", n ? ", " : "", cr->wall.outliers,
			 cr->wall.outliers == 1 ? "" : "s");
}

static const struct cl_report *sort_rep;

static int by_median(const void *a, const void *b)
{
	const struct cl_cell_result *x = &sort_rep->cells[*(const size_t *)a];
	const struct cl_cell_result *y = &sort_rep->cells[*(const size_t *)b];
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
static void trial_notes(FILE *out, const struct cl_report *rep, const char *heading,
			bool (*wanted)(const struct cl_trial_result *),
			void (*line)(FILE *, const char *, size_t, const struct cl_trial_result *))
{
	int said = 0;

	for (size_t i = 0; i < rep->ncells; i++) {
		const struct cl_cell_result *cr = &rep->cells[i];

		for (size_t k = 0; k < cr->ntrials; k++) {
			if (!wanted(&cr->trials[k]))
				continue;
			if (!said++)
				fprintf(out, "\n%s\n", heading);
			line(out, cr->cell->label, k, &cr->trials[k]);
		}
	}
}

void cl_report_table(FILE *out, const struct cl_report *rep)
{
	const struct cl_experiment *x = rep->x;
	int w = 4;
	size_t *order = cl_xmalloc((rep->ncells + 1) * sizeof *order);
	double min_level = 1;
	char a[32], b[32], c[32], d[32], e[32], f[32], cnt[96], notes[64];

	for (size_t i = 0; i < rep->ncells; i++) {
		int len = (int)strlen(rep->cells[i].cell->label);

		w = len > w ? len : w;
		order[i] = i;
		if (rep->cells[i].ok && rep->cells[i].wall.ci_level < min_level)
			min_level = rep->cells[i].wall.ci_level;
	}
	if (rep->sort_by_wall) {
		sort_rep = rep;
		qsort(order, rep->ncells, sizeof *order, by_median);
	}
	fprintf(out, "%s: %s\n", x->name, x->description ? x->description : x->path);
	fprintf(out, "%lld trial%s per cell after %lld warmup; timeout %.3g s; wall: median and its "
		"%s interval; speedup against %s\n", (long long)x->repeat, x->repeat == 1 ? "" : "s",
		(long long)x->warmup, (double)x->timeout_ms / 1000,
		min_level >= 0.95 ? "95% confidence" : "min-max", x->baseline ? x->baseline : "the first cell");
	if (rep->warnings[0])
		fprintf(out, "warning: %s\n", rep->warnings);
	fprintf(out, "\n%-*s  %5s  %10s  %-21s  %6s  %10s  %5s  %7s  %7s  %7s  %10s  %10s  %-21s  %s\n", w,
		"cell", "ok", "wall", "interval", "cv", "cpu", "cores", "rss MB", "vcsw", "ivcsw",
		"task p50", "task p99", "speedup", "counter");
	for (size_t o = 0; o < rep->ncells; o++) {
		const struct cl_cell_result *cr = &rep->cells[order[o]];
		struct typical ty = typical_of(cr);
		char ok[16], range[48], speed[48], cv[16];

		snprintf(ok, sizeof ok, "%zu/%zu", cr->ok, cr->measured);
		counter_text(cr, cnt, sizeof cnt);
		notes_text(cr, notes, sizeof notes);
		if (!cr->ok) {
			fprintf(out, "%-*s  %5s  %10s  %s\n", w, cr->cell->label, ok, "-",
				cr->ntrials ? "(no trial ok: see below)"
					    : rep->interrupted ? "(not run: the run was stopped)"
							       : "(no trial run)");
			continue;
		}
		snprintf(range, sizeof range, "%s - %s", cl_format_ns(llround(cr->wall.ci_lo), a, sizeof a),
			 cl_format_ns(llround(cr->wall.ci_hi), b, sizeof b));
		snprintf(speed, sizeof speed, "%.2fx (%.2f-%.2f)", cr->speedup, cr->speedup_lo, cr->speedup_hi);
		snprintf(cv, sizeof cv, "%.1f%%", 100 * cr->wall.cv);
		fprintf(out, "%-*s  %5s  %10s  %-21s  %6s  %10s  %5.2f  %7.1f  %7lld  %7lld  %10s  %10s  %-21s  %s%s%s\n",
			w, cr->cell->label, ok, cl_format_ns(cr->wall_median, c, sizeof c), range, cv,
			cl_format_ns(ty.cpu, d, sizeof d), ty.cores, (double)ty.rss / 1024,
			(long long)ty.vcsw, (long long)ty.ivcsw, cl_format_ns(ty.p50, e, sizeof e),
			cl_format_ns(ty.p99, f, sizeof f), speed, cnt, *notes ? "  " : "", notes);
	}
	free(order);
	if (min_level <= 0)
		fprintf(out, "\ninterval: a cell with one trial has no interval for its median; use "
			"repeat >= 6 for a 95%% one.\n");
	else if (min_level < 0.95)
		fprintf(out, "\ninterval: with fewer than 6 trials no order-statistic interval reaches 95%%; "
			"the min-max shown covers the median with probability %.1f%%. Use repeat >= 6.\n",
			100 * min_level);
	trial_notes(out, rep, "failed trials:", trial_failed, failed_line);
	trial_notes(out, rep, "left behind: processes still running after their trial ended, "
		    "killed by conclab:", trial_left_some, left_behind_line);
	for (size_t i = 0; i < rep->ncells; i++) {
		const struct cl_cell_result *cr = &rep->cells[i];

		if (cr->noisy) {
			fprintf(out, "\nnoisy: the marked cells vary by more than %.0f%% (cv) between "
				"trials; run more trials or quiet the machine.\n",
				100 * (rep->cv_threshold > 0 ? rep->cv_threshold : 0.05));
			break;
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

/* Does cell `label` answer to `want`: the same, or starting with it? */
static int label_matches(const char *label, const char *want)
{
	return !strcmp(label, want) || !strncmp(label, want, strlen(want));
}

int cl_report_vs(FILE *out, const struct cl_report *rep, const char *vs)
{
	int found = 0;

	for (size_t r = 0; r < rep->ncells; r++) {
		const struct cl_cell_result *ref = &rep->cells[r];

		if (!label_matches(ref->cell->label, vs))
			continue;
		if (!found++)
			fprintf(out, "\n");
		for (size_t i = 0; i < rep->ncells; i++) {
			const struct cl_cell_result *cr = &rep->cells[i];
			double *a, *b, p, ratio, lo, hi;
			size_t na = 0, nb = 0;

			if (i == r || !cr->ok || !ref->ok)
				continue;
			a = cl_xmalloc(cr->ntrials * sizeof *a);
			b = cl_xmalloc(ref->ntrials * sizeof *b);
			for (size_t k = 0; k < cr->ntrials; k++)
				if (!cr->trials[k].warmup && cr->trials[k].status == CL_STATUS_OK)
					a[na++] = (double)cr->trials[k].wall_ns;
			for (size_t k = 0; k < ref->ntrials; k++)
				if (!ref->trials[k].warmup && ref->trials[k].status == CL_STATUS_OK)
					b[nb++] = (double)ref->trials[k].wall_ns;
			p = cl_mann_whitney(a, na, b, nb, NULL);
			free(a);
			free(b);
			ratio = ref->wall.median / cr->wall.median;
			lo = ref->wall.ci_lo / cr->wall.ci_hi;
			hi = ref->wall.ci_hi / cr->wall.ci_lo;
			if (ratio >= 1)
				fprintf(out, "%s is %.2fx (%.2f-%.2f) faster than %s", cr->cell->label, ratio,
					lo, hi, ref->cell->label);
			else
				fprintf(out, "%s is %.2fx (%.2f-%.2f) slower than %s", cr->cell->label,
					1 / ratio, 1 / hi, 1 / lo, ref->cell->label);
			fprintf(out, " (Mann-Whitney p = %.3g%s)\n", p,
				p < 0.05 ? "" : ", not significant");
		}
	}
	return found ? 0 : -1;
}
