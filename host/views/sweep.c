/* The sweep chart: median wall time (or, for a duration step, operations a
 * second and fairness) against a swept setting, one line per
 * strategy+sync. The setting with the most values that every plugin shares
 * is the x axis; every other swept setting (and each workload) gets a panel
 * of its own, so a two-key sweep is never drawn as dozens of lines over one
 * axis; but a plugin's own swept parameter (params.tas.backoff) draws more
 * lines beside the other plugins', which it is there to be compared with. */
#define _GNU_SOURCE
#include "lines.h"
#include "views.h"
#include "xalloc.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* How many distinct integer values `key` takes over the cells. */
static size_t values_of(const struct cl_results *r, const char *key)
{
	struct chart_names values = { 0 };
	size_t n;

	for (size_t i = 0; i < r->ncells; i++) {
		const json_t *v = json_object_get(r->cells[i].sweep, key);
		char text[32];

		if (!json_is_integer(v))
			continue;
		snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
		chart_name(&values, text, true);
	}
	n = values.n;
	chart_names_free(&values);
	return n;
}

/* The swept setting with the most distinct values (malloc'ed), or NULL: one
 * that is no plugin's own where there is one, so that every plugin's cells
 * are points on it. */
static char *x_key(const struct cl_results *r)
{
	struct chart_names keys = { 0 };
	const char *best = NULL;
	size_t most = 1;
	bool best_shared = false;

	for (size_t i = 0; i < r->ncells; i++) {
		const char *key;
		json_t *v;

		json_object_foreach(r->cells[i].sweep, key, v)
			chart_name(&keys, key, true);
	}
	for (size_t k = 0; k < keys.n; k++) {
		size_t n = values_of(r, keys.v[k]);
		bool shared = true;

		for (size_t i = 0; i < r->ncells && shared; i++)
			shared = !chart_own_key(r, &r->cells[i], keys.v[k]);
		if (n > 1 && ((shared && !best_shared) || (shared == best_shared && n > most))) {
			most = n;
			best = keys.v[k];
			best_shared = shared;
		}
	}
	char *key = best ? cl_xstrdup(best) : NULL;

	chart_names_free(&keys);
	return key;
}

bool cl_view_has_sweep(const struct cl_results *r)
{
	char *key = x_key(r);

	free(key);
	return key != NULL;
}

/* What a chart's y axis shows. */
struct metric {
	const char     *title, *axis;
	double        (*of)(const struct cl_results_cell *c);
	enum chart_kind kind;
	bool            unit;  /* 0 to 1: no unit, no log scale */
};

static double wall_of(const struct cl_results_cell *c) { return c->summary.wall.median; }
static double ops_of(const struct cl_results_cell *c) { return c->summary.timed ? c->summary.ops_per_s.median : 0; }
static double jain_of(const struct cl_results_cell *c) { return c->summary.timed ? c->summary.jain : 0; }

static const struct metric wall_metric = { "median wall time", "median wall time (lower is better)", wall_of,
					   CHART_TIME, false };
static const struct metric ops_metric = { "operations a second", "median ops/s (higher is better)", ops_of,
					  CHART_RATE, false };
static double resp_p99_of(const struct cl_results_cell *c) { return c->summary.resp_p99_ns; }
static const struct metric resp_metric = { "p99 response time (from each task's scheduled arrival)",
					   "median p99 response time (lower is better)", resp_p99_of,
					   CHART_TIME, false };
static const struct metric fair_metric = { "fairness (Jain's index of the tasks' counts)",
					   "median Jain's index (1: every task did as many)", jain_of, CHART_PLAIN,
					   true };

/* Each cell as a point of its panel's line, or a flat line across it (a
 * cell not swept along x), or a note that it failed. */
static void add_cell(struct chart_lines *ch, const struct cl_results *r, const struct cl_results_cell *c,
		     const char *key, const struct metric *m, struct chart_names *families)
{
	const json_t *x = json_object_get(c->sweep, key);
	char *panel = chart_panel_of(r, c, key), *family = chart_family_of(r, c, key), *tip, value[32];
	char ok[32], *mark = NULL;
	struct chart_group *g;
	struct chart_line *l;

	g = chart_lines_group(ch, panel);
	if (!c->summary.ok || !(m->of(c) > 0)) {
		chart_name(&g->failed, c->label, true);
		goto out;
	}
	l = chart_group_line(g, family);
	l->color = chart_name(families, family, true);
	l->flat = !json_is_integer(x);
	chart_value(m->kind, m->of(c), value, sizeof value);
	chart_ok_text(&c->summary, ok, sizeof ok);
	if (asprintf(&tip, "%s: %s%s%s", c->label, value, *ok ? ", " : "", ok) < 0)
		cl_oom(NULL);
	if (*ok)
		mark = cl_xstrdup(ok);
	chart_line_point(l, l->flat ? 0 : (double)json_integer_value(x), m->of(c), tip, mark);
out:
	free(panel);
	free(family);
}

/* A panel's cells that are no points on x stay only where the panel has
 * points: a group of flat lines alone says nothing a bar would not. */
static void drop_flat_groups(struct chart_lines *ch)
{
	for (size_t k = 0; k < ch->ngroups; k++) {
		struct chart_group *g = &ch->groups[k];
		bool points = false;

		for (size_t i = 0; i < g->n; i++)
			points |= !g->lines[i].flat;
		for (size_t i = 0; !points && i < g->n; i++) {
			for (size_t j = 0; j < g->lines[i].n; j++) {
				free(g->lines[i].p[j].tip);
				free(g->lines[i].p[j].mark);
			}
			free(g->lines[i].p);
			free(g->lines[i].name);
		}
		if (!points)
			g->n = 0;
	}
}

static int sweep_svg(FILE *out, const struct cl_results *r, const struct metric *m)
{
	char *key = x_key(r), *title = NULL, *sub = NULL;
	struct chart_names families = { 0 };
	struct chart_lines ch = {
		.xkind = CHART_PLAIN, .ykind = m->kind, .ytitle = m->axis, .xlog2 = true, .ylog = !m->unit,
		.yunit = m->unit, .dots = true, .xticks_at_points = true, .plot_h = 260,
	};
	size_t points = 0;
	bool partial = false;
	double width, height;

	if (!key)
		return -1;
	ch.xtitle = ch.xname = key;
	for (size_t i = 0; i < r->ncells; i++) {
		add_cell(&ch, r, &r->cells[i], key, m, &families);
		partial |= r->cells[i].summary.ok && chart_partial(&r->cells[i].summary);
	}
	drop_flat_groups(&ch);
	for (size_t k = 0; k < ch.ngroups; k++)
		points += ch.groups[k].n;
	if (!points) {
		chart_lines_free(&ch);
		chart_names_free(&families);
		free(key);
		return -1;
	}
	/* the same colour for a line in every panel, where they are few enough */
	ch.stable = families.n <= CHART_SERIES_MAX;
	if (ch.ngroups > 2)
		ch.plot_h = 220;
	if (asprintf(&title, "%s: %s against %s", r->name, m->title, key) < 0 ||
	    asprintf(&sub, "one line per strategy+sync, named at its end; a panel per workload and value of "
		     "every other swept setting%s", partial ? "; hollow dot: a cell with failed trials" : "") < 0)
		cl_oom(NULL);
	width = fmax(chart_lines_width(&ch), CHART_TITLE_PX * (double)strlen(title) + 20);
	width = fmax(width, chart_text_px(sub) + 20);
	height = 50 + chart_lines_height(&ch);
	chart_begin(out, width, height, title, sub);
	chart_lines_draw(out, &ch, 50);
	fprintf(out, "</svg>\n");
	free(title);
	free(sub);
	chart_lines_free(&ch);
	chart_names_free(&families);
	free(key);
	return 0;
}

bool cl_view_timed(const struct cl_results *r)
{
	for (size_t i = 0; i < r->ncells; i++)
		if (r->cells[i].summary.timed)
			return true;
	return false;
}

int cl_view_sweep_svg(FILE *out, const struct cl_results *r)
{
	/* open loop: latency against offered load, the knees in the summary */
	return sweep_svg(out, r, cl_view_timed(r) ? &ops_metric : cl_view_open_loop(r) ? &resp_metric
										   : &wall_metric);
}

int cl_view_sweep_fair_svg(FILE *out, const struct cl_results *r)
{
	return cl_view_timed(r) ? sweep_svg(out, r, &fair_metric) : -1;
}
