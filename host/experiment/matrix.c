/* The experiment matrix: strategies x syncs x every sweep that applies to
 * them, each combination one cell with its own concrete workload. */
#define _GNU_SOURCE /* qsort_r */
#include "config.h"
#include "xalloc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int knob_applies(const struct cl_knob *k, size_t workload, const struct cl_plugin_use *st,
			const struct cl_plugin_use *sy)
{
	return k->plugin ? k->plugin == st->plugin || k->plugin == sy->plugin : k->workload == workload;
}

/* Does `cell` answer to the config's `baseline` name? */
static int is_baseline(const struct cl_cell *cell, const char *want)
{
	const char *label = cell->label;

	if (cell->def->name[0])
		label += strlen(cell->def->name) + 2; /* "io: " */
	return !strcmp(label, want) || !strcmp(cell->strategy->plugin->desc->name, want) ||
	       !strcmp(cell->sync->plugin->desc->name, want) || !strncmp(label, want, strlen(want));
}

/* Order cells by the value picked for every workload sweep: cells that
 * run the workload with the same values compare equal, and then one is a fair
 * baseline for the other ("threads tasks=64" is compared with "serial
 * tasks=64", not with "serial tasks=1"). The cells of one workload share its
 * sweeps, in the same order. */
static int cmp_workload_sweep(const struct cl_cell *a, const struct cl_cell *b)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < a->nknobs && a->knobs[i]->plugin)
			i++;
		while (j < b->nknobs && b->knobs[j]->plugin)
			j++;
		if (i == a->nknobs || j == b->nknobs)
			return (i < a->nknobs) - (j < b->nknobs);
		if (a->picks[i] != b->picks[j])
			return a->picks[i] < b->picks[j] ? -1 : 1;
		i++, j++;
	}
}

/* Candidates by their sweep values, then by their place: the first of a run
 * of equals is the earliest candidate with those values. */
static int by_sweep_then_place(const void *a, const void *b, void *cells)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = cmp_workload_sweep((const struct cl_cell *)cells + i, (const struct cl_cell *)cells + j);

	return c ? c : (i > j) - (i < j);
}

/* A workload's baseline candidates: the cells matching `baseline`, or else
 * those of its first cell's strategy and sync. Each cell then takes the
 * first candidate that runs its swept workload values, or the first
 * candidate at all. Candidates are sorted once and each cell binary-searches
 * them: a matrix of 10,000 cells compared pairwise took the fuzzer past its
 * 10 s limit. */
static int pick_baselines(const struct cl_experiment *x, struct cl_cell *cells, size_t n,
			  char *err, size_t errlen)
{
	size_t *cand = cl_xcalloc(n ? n : 1, sizeof *cand);

	for (size_t first = 0, end; first < n; first = end) {
		size_t ncand = 0;
		const struct cl_workload_def *def = cells[first].def;
		const char *want = def->baseline[0] ? def->baseline : x->baseline;
		int line = def->baseline[0] ? def->baseline_line : x->baseline_line;

		for (end = first; end < n && cells[end].def == def; end++)
			if (want ? is_baseline(&cells[end], want)
				 : cells[end].strategy == cells[first].strategy &&
					   cells[end].sync == cells[first].sync)
				cand[ncand++] = end;
		if (!ncand) { /* only with `baseline`: the first cell is always its own */
			snprintf(err, errlen, "%s:%d: baseline: \"%s\" matches no cell%s%s", x->path,
				 line, want, def->name[0] ? " of workload " : "", def->name);
			free(cand);
			return -1;
		}
		size_t base = cand[0];

		qsort_r(cand, ncand, sizeof *cand, by_sweep_then_place, cells);
		for (size_t i = first; i < end; i++) {
			size_t lo = 0, hi = ncand; /* the first candidate not below cell i */

			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (cmp_workload_sweep(&cells[cand[mid]], &cells[i]) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			cells[i].baseline = lo < ncand && !cmp_workload_sweep(&cells[cand[lo]], &cells[i])
						    ? cand[lo] : base;
		}
	}
	free(cand);
	return 0;
}

static void apply(struct cl_cell *cell, const struct cl_knob *k, size_t pick)
{
	int64_t v = k->values[pick];

	if (!k->plugin)
		*(int64_t *)((char *)&cell->workload + k->offset) = v;
	else if (k->plugin == cell->strategy->plugin)
		cell->strategy_params[k->param] = v;
	else
		cell->sync_params[k->param] = v;
}

/* Numbers that are each in range can still multiply past what a counter
 * or a run can hold. */
static int workload_fits(const struct cl_workload *w, char *err, size_t errlen, const char *path,
			 const char *label)
{
	uint64_t per_task = 0, total;

	for (int i = 0; i < w->nsteps; i++) {
		uint64_t in, out;

		if (w->steps[i].op != CL_OP_INCREMENT)
			continue;
		if (__builtin_mul_overflow((uint64_t)w->steps[i].times, (uint64_t)w->steps[i].inside, &in) ||
		    __builtin_mul_overflow((uint64_t)w->steps[i].times, (uint64_t)w->steps[i].outside, &out) ||
		    in > (1ULL << 62) || out > (1ULL << 62))
			goto overflow;
		per_task += (uint64_t)w->steps[i].times;
	}
	if (__builtin_mul_overflow(per_task, (uint64_t)w->loop, &total) ||
	    __builtin_mul_overflow(total, (uint64_t)w->tasks, &total) || total > (1ULL << 62))
		goto overflow;
	return 0;
overflow:
	snprintf(err, errlen, "%s: cell %s: tasks x loop x increments overflow what a run can count",
		 path, label);
	return -1;
}

size_t cl_matrix_expand(const struct cl_experiment *x, struct cl_cell **out, char *err, size_t errlen)
{
	size_t n = 0, cap = 16;
	struct cl_cell *cells = cl_xmalloc(cap * sizeof *cells);

	for (size_t wl = 0; wl < x->nworkloads; wl++)
	for (size_t s = 0; s < x->nstrategies; s++) {
		if (!(x->workloads[wl].strategies & (1u << s)))
			continue;
		for (size_t y = 0; y < x->nsyncs; y++) {
			if (!(x->workloads[wl].syncs & (1u << y)))
				continue;
			const struct cl_workload_def *def = &x->workloads[wl];
			struct cl_cell proto = { .strategy = &x->strategies[s], .sync = &x->syncs[y],
						 .def = def, .workload = def->w };
			size_t picks[CL_MAX_KNOBS] = { 0 };

			memcpy(proto.strategy_params, x->strategies[s].params, sizeof proto.strategy_params);
			memcpy(proto.sync_params, x->syncs[y].params, sizeof proto.sync_params);
			for (size_t k = 0; k < x->nknobs; k++)
				if (knob_applies(&x->knobs[k], wl, proto.strategy, proto.sync))
					proto.knobs[proto.nknobs++] = &x->knobs[k];
			for (;;) { /* an odometer over the sweeps, the last one fastest */
				struct cl_cell *c;
				int len;

				if (n == CL_MAX_CELLS) {
					snprintf(err, errlen, "%s: the matrix has more than %d cells; "
						 "sweep fewer values", x->path, CL_MAX_CELLS);
					free(cells);
					return 0;
				}
				if (n == cap)
					cells = cl_xrealloc(cells, (cap *= 2) * sizeof *cells);
				c = &cells[n++];
				*c = proto;
				len = snprintf(c->label, sizeof c->label, "%s%s%s+%s", def->name,
					       def->name[0] ? ": " : "", proto.strategy->plugin->desc->name,
					       proto.sync->plugin->desc->name);
				for (size_t k = 0; k < proto.nknobs; k++) {
					c->picks[k] = picks[k];
					apply(c, proto.knobs[k], picks[k]);
					if (len >= 0 && (size_t)len < sizeof c->label)
						len += snprintf(c->label + len, sizeof c->label - (size_t)len,
								" %s=%s", proto.knobs[k]->name,
								proto.knobs[k]->labels[picks[k]]);
				}
				cl_placement_resolve(c->strategy_params[CL_PLACEMENT_PARAM], x->place_lists,
						     &c->place);
				if (workload_fits(&c->workload, err, errlen, x->path, c->label)) {
					free(cells);
					return 0;
				}
				size_t k = proto.nknobs;
				while (k > 0 && ++picks[k - 1] == proto.knobs[k - 1]->nvalues)
					picks[--k] = 0;
				if (k == 0)
					break;
			}
		}
	}
	if (pick_baselines(x, cells, n, err, errlen)) {
		free(cells);
		return 0;
	}
	*out = cells;
	return n;
}
