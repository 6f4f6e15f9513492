/* The experiment matrix: strategies x syncs x every sweep that applies to
 * them, each combination one cell with its own concrete workload. */
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

/* Do two cells run the workload with the same value of every workload sweep?
 * Then one is a fair baseline for the other: "threads tasks=64" is compared
 * with "serial tasks=64", not with "serial tasks=1". */
static int same_workload_sweep(const struct cl_cell *a, const struct cl_cell *b)
{
	for (size_t i = 0; i < a->nknobs; i++) {
		if (a->knobs[i]->plugin)
			continue;
		for (size_t j = 0; j < b->nknobs; j++)
			if (b->knobs[j] == a->knobs[i] && b->picks[j] != a->picks[i])
				return 0;
	}
	return 1;
}

/* A workload's baseline candidates: the cells matching `baseline`, or else
 * those of its first cell's strategy and sync. Each cell then takes the
 * first candidate that runs its swept workload values, or the first
 * candidate at all. Candidates are decided once per cell, not per pair. */
static int pick_baselines(const struct cl_experiment *x, struct cl_cell *cells, size_t n,
			  char *err, size_t errlen)
{
	bool *candidate = cl_xcalloc(n, sizeof *candidate);

	for (size_t first = 0, end; first < n; first = end) {
		size_t base = n;

		for (end = first; end < n && cells[end].def == cells[first].def; end++) {
			candidate[end] = x->baseline ? is_baseline(&cells[end], x->baseline)
						     : cells[end].strategy == cells[first].strategy &&
							       cells[end].sync == cells[first].sync;
			if (candidate[end] && base == n)
				base = end;
		}
		if (base == n) { /* only with `baseline`: the first cell is always its own */
			snprintf(err, errlen, "%s:%d: baseline: \"%s\" matches no cell%s%s", x->path,
				 x->baseline_line, x->baseline, cells[first].def->name[0] ? " of workload " : "",
				 cells[first].def->name);
			free(candidate);
			return -1;
		}
		for (size_t i = first; i < end; i++) {
			cells[i].baseline = base;
			for (size_t b = base; b < end; b++)
				if (candidate[b] && same_workload_sweep(&cells[i], &cells[b])) {
					cells[i].baseline = b;
					break;
				}
		}
	}
	free(candidate);
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
