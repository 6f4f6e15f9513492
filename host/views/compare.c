/* `conclab compare OLD.json NEW.json`: like Google Benchmark's compare.py, old
 * and new medians, their ratio, and whether the difference is significant. */
#include "compare.h"
#include "views.h"
#include "format.h"
#include "printable.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool same_text(const char *a, const char *b)
{
	return a ? b && !strcmp(a, b) : !b;
}

/* The whole workload is part of the match: two cells that ran different
 * steps are different cells, whatever their labels. */
static bool same_cell(const struct cl_results_cell *a, const struct cl_results_cell *b)
{
	return same_text(a->workload, b->workload) && same_text(a->strategy, b->strategy) &&
	       same_text(a->sync, b->sync) && json_equal(a->params, b->params) &&
	       (!a->spec || !b->spec || json_equal(a->spec, b->spec)); /* 0.1 files have none */
}

int cl_compare_same_experiment(const struct cl_results *old, const struct cl_results *new,
			       char *why, size_t len)
{
	const char *a = old->config ? old->config : "", *b = new->config ? new->config : "";
	int line = 1;

	if (strcmp(old->name, new->name))
		return snprintf(why, len, "experiment '%s' against '%s'", old->name, new->name), -1;
	if (!strcmp(a, b))
		return 0;
	while (*a && *a == *b) {
		line += *a == '\n';
		a++, b++;
	}
	while (line > 1 && a > (old->config ? old->config : "") && a[-1] != '\n')
		a--, b--;
	return snprintf(why, len, "the configs differ from line %d: '%.*s' against '%.*s'", line,
			(int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b), -1;
}

/* A cell's figure as the table shows it: its median ops/s when it is
 * timed, its median wall time otherwise; "-" without ok trials. */
static void shown(const struct cl_results_cell *c, size_t ok, char *buf, size_t len)
{
	char rate[32];

	if (!ok) {
		snprintf(buf, len, "-");
	} else if (c->summary.timed) {
		cl_view_rate(c->summary.ops_per_s.median, rate, sizeof rate);
		if (snprintf(buf, len, "%s/s", rate) >= (int)len)
			buf[len - 1] = 0; /* 8 bytes at most: never */
	} else {
		cl_format_ns(llround(c->summary.wall.median), buf, len);
	}
}

/* ---- labels in rows ------------------------------------------------------ */

/* Characters of UTF-8 text: the bytes that start one. */
static size_t characters(const char *s, size_t n)
{
	size_t chars = 0;

	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)s[i] & 0xc0) != 0x80;
	return chars;
}

bool cl_label_cut(const char *label, char *buf, size_t len)
{
	/* a prefix long enough for CL_LABEL_CUT + 1 characters of 4 bytes:
	 * copying the whole label for every row would cost its length each */
	size_t n = strnlen(label, len - 1), keep = 0;
	bool longer = label[n] != 0;

	memcpy(buf, label, n);
	n = cl_printable(buf, n, false);
	buf[n] = 0;
	if (!longer && characters(buf, n) <= CL_LABEL_CUT)
		return false;
	for (size_t chars = 0; chars <= CL_LABEL_CUT - 3; keep++)
		chars += ((unsigned char)buf[keep] & 0xc0) != 0x80;
	strcpy(buf + keep - 1, "...");
	return true;
}

void cl_label_whole(FILE *out, const char *label)
{
	char shown[CL_LABEL_WHOLE + 1], cut[CL_LABEL_BUF];
	size_t n = strnlen(label, CL_LABEL_WHOLE);

	if (!cl_label_cut(label, cut, sizeof cut))
		return;
	if (label[n]) /* a character is cut whole or not at all */
		while (n > 0 && ((unsigned char)label[n] & 0xc0) == 0x80)
			n--;
	memcpy(shown, label, n);
	shown[cl_printable(shown, n, false)] = 0;
	if (label[n])
		fprintf(out, "    the whole label: %s... (%zu bytes in all)\n", shown, strlen(label));
	else
		fprintf(out, "    the whole label: %s\n", shown);
}

/* A row's label, cut, then spaces to `width` characters. */
static void put_label(FILE *out, const char *label, size_t width)
{
	char cut[CL_LABEL_BUF];
	size_t chars;

	cl_label_cut(label, cut, sizeof cut);
	chars = characters(cut, strlen(cut));
	fprintf(out, "%s%*s", cut, (int)(width > chars ? width - chars : 0), "");
}

static size_t label_width(const char *label)
{
	char cut[CL_LABEL_BUF];

	cl_label_cut(label, cut, sizeof cut);
	return characters(cut, strlen(cut));
}

/* ---- the comparison ------------------------------------------------------ */

/* The columns after the label: old, new, new/old and p, with their gaps. */
#define ROW_FIGURES (2 + 10 + 2 + 10 + 2 + 8 + 2 + 8 + 2)

/* Plugins whose version or ABI differs between the two runs: what a
 * before/after comparison is usually about, so said, not refused. Each
 * old plugin against every new one of its name, in the new file's order,
 * found by its name: a file may list thousands. */
static void plugin_changes(FILE *out, const struct cl_results *old, const struct cl_results *new)
{
	const json_t *new_plugins = json_object_get(new->environment, "plugins"), *a, *b, *at;
	json_t *by_name = json_object(), *same; /* name: the indexes of new's plugins */
	size_t i, k;

	json_array_foreach(new_plugins, k, b) {
		const char *nb = json_string_value(json_object_get(b, "name"));

		if (!nb)
			continue;
		if (!(same = json_object_get(by_name, nb)))
			json_object_set_new_nocheck(by_name, nb, same = json_array());
		json_array_append_new(same, json_integer((json_int_t)k));
	}
	json_array_foreach(json_object_get(old->environment, "plugins"), i, a) {
		const char *na = json_string_value(json_object_get(a, "name"));
		const char *va = json_string_value(json_object_get(a, "version"));

		json_array_foreach(na && va ? json_object_get(by_name, na) : NULL, k, at) {
			b = json_array_get(new_plugins, (size_t)json_integer_value(at));
			const char *vb = json_string_value(json_object_get(b, "version"));

			if (vb && strcmp(va, vb))
				fprintf(out, "plugin %s: version %s -> %s\n", na, va, vb);
		}
	}
	json_decref(by_name);
}

static const struct cl_results_cell *find_match(const struct cl_results *r,
						const struct cl_results_cell *cell)
{
	for (size_t i = 0; i < r->ncells; i++)
		if (same_cell(cell, &r->cells[i]))
			return &r->cells[i];
	return NULL;
}

/* The cells of `from` that `other` lacks, under "only in NAME:"; how many. */
static size_t only_in(FILE *out, const char *name, const struct cl_results *from,
		      const struct cl_results *other)
{
	size_t n = 0;

	for (size_t i = 0; i < from->ncells; i++) {
		if (find_match(other, &from->cells[i]))
			continue;
		if (!n++)
			fprintf(out, "\nonly in %s:\n", name);
		fprintf(out, "  ");
		put_label(out, from->cells[i].label, 0);
		fprintf(out, "\n");
		cl_label_whole(out, from->cells[i].label);
	}
	return n;
}

/* The rows' labels: the cells' own, or on a narrow terminal the shortest
 * (cl_view_short_labels) that let the figures fit beside them. */
static char **row_labels(const struct cl_results *old, int width, char **legend)
{
	char **labels = cl_xcalloc(old->ncells + 1, sizeof *labels);

	*legend = NULL;
	for (size_t i = 0; i < old->ncells; i++)
		labels[i] = cl_xstrdup(old->cells[i].label);
	for (int level = 1; level <= 2 && width > 0; level++) {
		size_t w = 4;

		for (size_t i = 0; i < old->ncells; i++)
			w = label_width(labels[i]) > w ? label_width(labels[i]) : w;
		if ((int)w + ROW_FIGURES + 24 <= width)
			break;
		cl_view_labels_free(labels, old->ncells);
		free(*legend);
		labels = cl_view_short_labels(old, level, legend);
	}
	return labels;
}

void cl_compare(FILE *out, const char *old_name, const struct cl_results *old, const char *new_name,
		const struct cl_results *new, const struct cl_compare_opts *opts,
		struct cl_compare_counts *counts)
{
	double alpha = opts && opts->alpha > 0 ? opts->alpha : 0.05;
	double threshold = opts && opts->threshold >= 0 ? opts->threshold : CL_COMPARE_THRESHOLD;
	const char *flag = opts && opts->force ? "  [--force: different experiments]" : "";
	int width = opts ? opts->width : 0, prose = width > 0 ? width : 80;
	size_t w = 4, len = 0;
	char m1[32], m2[32], verdict[96], *legend, **labels = row_labels(old, width, &legend), *text = NULL;
	double worst_min_p = 0;
	FILE *f = open_memstream(&text, &len);

	memset(counts, 0, sizeof *counts);
	for (size_t i = 0; i < old->ncells; i++) {
		size_t lw = label_width(labels[i]);

		w = lw > w ? lw : w;
	}
	fprintf(f, "compare: %s -> %s\n", old_name, new_name);
	plugin_changes(f, old, new);
	fprintf(f, "significant: Mann-Whitney U p < %g and a change of at least %g%% (--threshold: two "
		"runs of one config on one machine can differ by a few percent, more than their trials "
		"within a run)\n%s%s%s", alpha, 100 * threshold, cl_view_timed(old) ? "old, new: the median "
		"wall time; for a timed cell (a duration step) the median ops/s, and new/old of the ops/s "
		"(above 1: more operations a second)\n" : "", legend && *legend ? legend : "",
		legend && *legend ? "\n" : "");
	fclose(f);
	cl_view_wrapped(out, text, prose);
	free(text);
	fprintf(out, "\n%-*s  %10s  %10s  %8s  %8s%s\n", (int)w, "cell", "old", "new", "new/old", "p",
		width > 0 && (int)w + ROW_FIGURES + 7 > width ? "" : "  verdict");
	for (size_t i = 0; i < old->ncells; i++) {
		const struct cl_results_cell *a = &old->cells[i], *b = find_match(new, a);
		struct cl_difference j;

		if (!b)
			continue;
		counts->matched++;
		cl_difference_weigh(a, b, alpha, threshold, &j);
		counts->slower += j.verdict == CL_VERDICT_SLOWER;
		counts->faster += j.verdict == CL_VERDICT_FASTER;
		counts->unreliable += j.verdict == CL_VERDICT_UNRELIABLE;
		if (j.verdict == CL_VERDICT_INCONCLUSIVE) {
			counts->inconclusive++;
			worst_min_p = cl_min_p(j.na, j.nb) > worst_min_p ? cl_min_p(j.na, j.nb) : worst_min_p;
		}
		put_label(out, labels[i], w);
		shown(a, j.na, m1, sizeof m1);
		shown(b, j.nb, m2, sizeof m2);
		cl_verdict_text(&j, alpha, verdict, sizeof verdict);
		/* a verdict that would run past the terminal's edge: on a line of its own */
		const char *sep = width > 0 && (int)(w + ROW_FIGURES + strlen(verdict) + strlen(flag)) > width
					  ? "\n    " : "  ";

		if (j.verdict == CL_VERDICT_NONE)
			fprintf(out, "  %10s  %10s  %8s  %8s%s%s%s\n", m1, m2, "-", "-", sep, verdict, flag);
		else /* a timed cell's ratio is of its ops/s, as its figures are */
			fprintf(out, "  %10s  %10s  %7.3fx  %8.3g%s%s%s\n", m1, m2,
				a->summary.timed && j.ratio > 0 ? 1 / j.ratio : j.ratio, j.p, sep, verdict, flag);
		cl_label_whole(out, labels[i]);
	}
	counts->only_old = only_in(out, old_name, old, new);
	counts->only_new = only_in(out, new_name, new, old);
	text = NULL;
	f = open_memstream(&text, &len);
	if (counts->inconclusive)
		fprintf(f, "\ninconclusive: %zu cell%s had too few trials for any difference to reach "
			"p < %g (with theirs, the smallest p the test can give is %.3g); use at least %zu "
			"trials each (repeat).\n", counts->inconclusive, counts->inconclusive == 1 ? "" : "s",
			alpha, worst_min_p, cl_trials_for(alpha));
	if (counts->unreliable)
		fprintf(f, "\nunreliable: %zu cell%s changed significantly, but the trials of a side were "
			"mostly measured under interference, or vary by more than the cv threshold: not a "
			"change to act on; rerun both on a quiet machine.\n", counts->unreliable,
			counts->unreliable == 1 ? "" : "s");
	fclose(f);
	cl_view_wrapped(out, text, prose);
	free(text);
	cl_view_labels_free(labels, old->ncells);
	free(legend);
}
