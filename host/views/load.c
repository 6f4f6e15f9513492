/* Latency against offered load, for open-loop workloads (arrivals): each
 * strategy+sync's p99 response time at every offered rate its cells were
 * swept over, and its knee, the highest offered rate whose p99 stays under
 * the bound the config names (arrival.p99_ms) without the cell falling
 * behind (overloaded). The headline figure of such a run, in the summary
 * and the HTML report; the chart is the sweep chart's, of p99 response. */
#define _GNU_SOURCE
#include "chart.h"
#include "format.h"
#include "views.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RATE_KEY "arrival.rate"

bool cl_view_open_loop(const struct cl_results *r)
{
	for (size_t i = 0; i < r->ncells; i++)
		if (r->cells[i].summary.open_loop)
			return true;
	return false;
}

/* The bound its workload names (ns), 0 for none. */
static double bound_of(const struct cl_results_cell *c)
{
	return json_number_value(json_object_get(json_object_get(c->spec, "arrival"), "p99_ns"));
}

/* Can the cell carry its offered rate: whole trials, none behind. */
static bool holds(const struct cl_results_cell *c, double bound)
{
	const struct cl_cell_summary *s = &c->summary;

	return s->ok && s->ok == s->measured && !s->overloaded && (!bound || s->resp_p99_ns < bound);
}

static int by_rate(const void *a, const void *b)
{
	double x = (*(const struct cl_results_cell *const *)a)->summary.offered_per_s;
	double y = (*(const struct cl_results_cell *const *)b)->summary.offered_per_s;

	return (x > y) - (x < y);
}

/* "4,200" */
static void rate_text(double v, char *buf, size_t len)
{
	long long n = llround(v);

	if (n >= 1000000)
		snprintf(buf, len, "%lld,%03lld,%03lld", n / 1000000, n / 1000 % 1000, n % 1000);
	else if (n >= 1000)
		snprintf(buf, len, "%lld,%03lld", n / 1000, n % 1000);
	else
		snprintf(buf, len, "%lld", n);
}

/* a time as every view writes it */
static void ns_text(double ns, char *buf, size_t len)
{
	cl_format_ns(llround(ns), buf, len);
}

/* One line of a family's cells in rate order. */
static void knee_line(FILE *out, const char *family, const struct cl_results_cell **cells, size_t n)
{
	double bound = bound_of(cells[0]);
	const struct cl_results_cell *knee = NULL, *first_miss = NULL;
	char rate[32], p99[32], bound_text[32];

	qsort(cells, n, sizeof *cells, by_rate);
	for (size_t i = 0; i < n; i++) {
		if (holds(cells[i], bound) && !first_miss)
			knee = cells[i];
		else if (!first_miss)
			first_miss = cells[i];
	}
	ns_text(bound, bound_text, sizeof bound_text);
	if (!bound) { /* no bound named: the curve's two ends */
		fprintf(out, "  %s:", family);
		for (size_t i = 0; i < n; i += n > 1 ? n - 1 : 1) {
			ns_text(cells[i]->summary.resp_p99_ns, p99, sizeof p99);
			rate_text(cells[i]->summary.offered_per_s, rate, sizeof rate);
			fprintf(out, "%s p99 %s at %s/s", i ? "," : "", p99, rate);
		}
		fprintf(out, " (arrival.p99_ms names a bound to find its knee)\n");
		return;
	}
	if (!knee) {
		const struct cl_cell_summary *s = &cells[0]->summary;

		rate_text(s->offered_per_s, rate, sizeof rate);
		ns_text(s->resp_p99_ns, p99, sizeof p99);
		fprintf(out, "  %s holds none of the rates tried at p99 < %s (at %s/s: %s)\n", family,
			bound_text, rate, !s->ok ? "no trial ok" : s->overloaded ? "overloaded" : p99);
		return;
	}
	rate_text(knee->summary.offered_per_s, rate, sizeof rate);
	ns_text(knee->summary.resp_p99_ns, p99, sizeof p99);
	fprintf(out, "  %s holds %s/s at p99 < %s (p99 %s there)", family, rate, bound_text, p99);
	if (!first_miss) {
		fprintf(out, ", the highest rate tried\n");
		return;
	}
	rate_text(first_miss->summary.offered_per_s, rate, sizeof rate);
	ns_text(first_miss->summary.resp_p99_ns, p99, sizeof p99);
	fprintf(out, "; at %s/s %s\n", rate, !first_miss->summary.ok ? "no trial was ok"
		: first_miss->summary.overloaded ? "it fell behind (overloaded)" : p99);
}

/* The cell's line of the chart, its workload's panel first ("io: threads+none"):
 * every swept setting but the rate (malloc'ed). */
static char *family_name(const struct cl_results *r, const struct cl_results_cell *c)
{
	char *panel = chart_panel_of(r, c, RATE_KEY), *family = chart_family_of(r, c, RATE_KEY), *name;

	if (asprintf(&name, "%s%s%s", panel, *panel ? ": " : "", family) < 0)
		cl_oom(NULL);
	free(panel);
	free(family);
	return name;
}

void cl_view_knees(FILE *out, const struct cl_results *r)
{
	struct chart_names families = { 0 };
	const struct cl_results_cell **cells = cl_xcalloc(r->ncells + 1, sizeof *cells);
	char **names = cl_xcalloc(r->ncells + 1, sizeof *names);

	for (size_t i = 0; i < r->ncells; i++) {
		names[i] = family_name(r, &r->cells[i]);
		if (r->cells[i].summary.open_loop)
			chart_name(&families, names[i], true);
	}
	for (size_t f = 0; f < families.n; f++) {
		size_t n = 0;

		for (size_t i = 0; i < r->ncells; i++)
			if (r->cells[i].summary.open_loop && !strcmp(names[i], families.v[f]))
				cells[n++] = &r->cells[i];
		if (!f)
			fprintf(out, "  latency against offered load (response from each task's scheduled "
				"arrival):\n");
		knee_line(out, families.v[f], cells, n);
	}
	for (size_t i = 0; i < r->ncells; i++)
		free(names[i]);
	free(names);
	chart_names_free(&families);
	free(cells);
}

void cl_view_classes(FILE *out, const struct cl_results *r)
{
	size_t said = 0;

	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_cell_summary *s = &r->cells[i].summary;

		if (!s->nclasses || !s->ok)
			continue;
		if (!said++)
			fprintf(out, "\nclasses: each class's response time, p50 / p99 (medians of the "
				"trials)%s:\n", cl_view_open_loop(r) ? ", from each task's scheduled arrival" : "");
		fprintf(out, "  %s:", r->cells[i].label);
		for (size_t k = 0; k < s->nclasses; k++) {
			char p50[32], p99[32];

			ns_text(s->classes[k].resp_p50_ns, p50, sizeof p50);
			ns_text(s->classes[k].resp_p99_ns, p99, sizeof p99);
			fprintf(out, "%s %s %s / %s", k ? ";" : "", s->classes[k].name, p50, p99);
		}
		fprintf(out, "\n");
	}
}
