/* --vs: every cell of a group against the cells a pattern names, judged as
 * compare judges. */
#include "views.h"
#include "compare.h"
#include "xalloc.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

bool cl_vs_matches(const char *label, const char *pattern)
{
	return !strcmp(label, pattern) || fnmatch(pattern, label, 0) == 0;
}

/* --vs judges as compare does: the same alpha, the same 10% threshold,
 * and "inconclusive" when the trial counts cannot reach alpha. Labels are
 * cut as compare cuts them. */
static void vs_line(FILE *out, const struct cl_results_cell *c, const struct cl_results_cell *ref)
{
	const struct cl_stats *cw = &c->summary.wall, *rw = &ref->summary.wall;
	struct cl_difference j;
	double ratio = rw->median / cw->median, lo = rw->ci_lo / cw->ci_hi, hi = rw->ci_hi / cw->ci_lo;
	char verdict[96], label[CL_LABEL_BUF], ref_label[CL_LABEL_BUF];

	cl_label_cut(c->label, label, sizeof label);
	cl_label_cut(ref->label, ref_label, sizeof ref_label);
	if (c->summary.timed != ref->summary.timed) {
		fprintf(out, "%s: a timed cell and an untimed one are not compared (ops/s against time)\n",
			label);
		return;
	}
	if (c->summary.timed) { /* throughput: more operations a second is faster */
		cw = &c->summary.ops_per_s;
		rw = &ref->summary.ops_per_s;
		ratio = cw->median / rw->median;
		lo = rw->ci_hi > 0 ? cw->ci_lo / rw->ci_hi : 0;
		hi = rw->ci_lo > 0 ? cw->ci_hi / rw->ci_lo : 0;
	}

	cl_difference_weigh(ref, c, 0.05, CL_COMPARE_THRESHOLD, &j);
	if (ratio >= 1)
		fprintf(out, "%s is %.2fx (%.2f-%.2f) faster than %s", label, ratio, lo, hi, ref_label);
	else
		fprintf(out, "%s is %.2fx (%.2f-%.2f) slower than %s", label, 1 / ratio, 1 / hi, 1 / lo,
			ref_label);
	fprintf(out, " (Mann-Whitney p = %.3g: %s)\n", j.p,
		j.verdict == CL_VERDICT_SLOWER || j.verdict == CL_VERDICT_FASTER
			? "significant" : cl_verdict_text(&j, 0.05, verdict, sizeof verdict));
}

/* The whole of a cut label, under the first line that names it. */
static void whole_once(FILE *out, const struct cl_results *r, size_t cell, bool *said)
{
	if (!said[cell]) {
		cl_label_whole(out, r->cells[cell].label);
		said[cell] = true;
	}
}

int cl_view_vs(FILE *out, const struct cl_results *r, const char *pattern)
{
	bool *said = cl_xcalloc(r->ncells + 1, sizeof *said);
	int found = 0;

	for (size_t k = 0; k < r->ncells; k++) {
		const struct cl_results_cell *ref = &r->cells[k];

		if (!cl_vs_matches(ref->label, pattern))
			continue;
		if (!found++)
			fprintf(out, "\n");
		/* only cells of its group (one workload, one value of each sweep),
		 * and each pair of matching cells once */
		for (size_t i = 0; i < r->ncells; i++) {
			const struct cl_results_cell *c = &r->cells[i];

			if (i == k || c->baseline != ref->baseline || !c->summary.ok || !ref->summary.ok ||
			    (i < k && cl_vs_matches(c->label, pattern)))
				continue;
			vs_line(out, c, ref);
			whole_once(out, r, i, said);
			whole_once(out, r, k, said);
		}
	}
	free(said);
	return found ? 0 : -1;
}
