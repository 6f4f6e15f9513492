/* One self-contained HTML page: charts, tables, the config and the machine. */
#define _GNU_SOURCE
#include "chart.h"
#include "views.h"
#include "format.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The cells as the table shows them: each cell's figure (ops/s for a timed
 * cell, else wall time) with its interval and that interval's coverage. */
static void cells_table(FILE *out, const struct cl_results *r)
{
	char m[64], ival[64], cover[64], cnt[96], speed[128];
	bool timed = cl_view_timed(r), open_loop = cl_view_open_loop(r), closed = false;

	for (size_t i = 0; i < r->ncells; i++)
		closed |= !r->cells[i].summary.open_loop;
	/* open loop: no speedup (the wall is the schedule's); its response
	 * time and the rate it kept up with instead */
	fprintf(out, "<h2>Cells</h2>\n<table><tr><th>cell</th><th>ok</th><th>%s (median)</th>"
		"<th>interval (coverage)</th><th>cv</th>%s<th>cores</th><th>memory (all processes)</th>"
		"<th>%s</th><th>counter</th></tr>\n",
		cl_view_figure_name(r), timed ? "<th>fairness</th>" : "",
		!open_loop ? "speedup" : closed ? "speedup, or (open loop) p99 response; achieved of scheduled"
			   : "p99 response; achieved of scheduled");
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_results_cell *c = &r->cells[i];
		const struct cl_cell_summary *s = &c->summary;
		char fair[32] = "-";

		fprintf(out, "<tr><td>");
		cl_view_escaped(out, c->label, CL_ESCAPE_HTML);
		if (!s->ok) { /* as the table and Markdown show it */
			fprintf(out, "</td><td>0/%zu</td><td>-</td><td>-</td><td>-</td>%s<td>-</td><td>-</td>"
				"<td>-</td><td>-</td></tr>\n", s->measured, timed ? "<td>-</td>" : "");
			continue;
		}
		cl_view_counter(c, cnt, sizeof cnt);
		cl_view_speedup(c, speed, sizeof speed);
		if (s->open_loop)
			snprintf(speed, sizeof speed, "%.1f ms; %.0f of %.0f/s scheduled%s", s->resp_p99_ns / 1e6,
				 s->achieved_per_s, s->scheduled_per_s, s->overloaded ? ", overloaded" : "");
		cl_view_figure(c, m, ival, cover, sizeof m);
		if (s->timed)
			snprintf(fair, sizeof fair, "%.2f", s->jain);
		fprintf(out, "</td><td>%zu/%zu</td><td>%s</td><td>%s%s%s%s</td><td>%.1f%%</td>%s%s%s<td>%.2f</td>"
			"<td>%.1f MB</td><td>%s</td><td>%s</td></tr>\n", s->ok, s->measured, m, ival,
			strcmp(cover, "-") ? " (" : "", strcmp(cover, "-") ? cover : "",
			strcmp(cover, "-") ? ")" : "", 100 * cl_view_cv(c), timed ? "<td>" : "",
			timed ? fair : "", timed ? "</td>" : "", s->cores, s->rss_kb / 1024, speed, cnt);
	}
	fprintf(out, "</table>\n");
}

/* A value of the machine's record as a reader wants it: yes / no, a list
 * as "0, 1", a size in kB with its GiB, an object as a table of its own;
 * never the JSON it was stored as. */
static void env_value(FILE *out, const char *key, const json_t *v)
{
	const char *k;
	json_t *e;
	size_t i;
	char buf[64];

	if (json_is_string(v)) {
		cl_view_escaped(out, *json_string_value(v) ? json_string_value(v) : "-", CL_ESCAPE_HTML);
	} else if (json_is_boolean(v)) {
		fputs(json_is_true(v) ? "yes" : "no", out);
	} else if (json_is_integer(v)) {
		long long n = (long long)json_integer_value(v);
		size_t klen = strlen(key);

		fprintf(out, "%lld", n);
		if (klen > 3 && !strcmp(key + klen - 3, "_kb") && n >= 1024) /* a size: in a reader's unit too */
			fprintf(out, " kB (%.1f %s)", (double)n / (n >= 1048576 ? 1048576 : 1024),
				n >= 1048576 ? "GiB" : "MiB");
	} else if (json_is_real(v)) {
		snprintf(buf, sizeof buf, "%.2f", json_real_value(v));
		fputs(buf, out);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, e) {
			fputs(i ? (json_is_object(e) ? "" : ", ") : "", out);
			env_value(out, key, e);
		}
		if (!json_array_size(v))
			fputs("-", out);
	} else if (json_is_object(v)) {
		fprintf(out, "<table class=\"kv\">");
		json_object_foreach((json_t *)v, k, e) {
			fprintf(out, "<tr><th>");
			cl_view_escaped(out, k, CL_ESCAPE_HTML);
			fprintf(out, "</th><td>");
			env_value(out, k, e);
			fprintf(out, "</td></tr>");
		}
		fprintf(out, "</table>");
	} else {
		fputs("-", out);
	}
}

static void machine_table(FILE *out, const json_t *env)
{
	const char *key;
	json_t *v, *p;
	size_t i;

	fprintf(out, "<h2>Machine</h2>\n<table class=\"machine\">\n");
	json_object_foreach((json_t *)env, key, v) {
		if (!strcmp(key, "plugins"))
			continue;
		fprintf(out, "<tr><th>");
		cl_view_escaped(out, key, CL_ESCAPE_HTML);
		fprintf(out, "</th><td>");
		env_value(out, key, v);
		fprintf(out, "</td></tr>\n");
	}
	json_array_foreach(json_object_get(env, "plugins"), i, p) {
		fprintf(out, "<tr><th>plugin</th><td>");
		cl_view_escaped(out, json_string_value(json_object_get(p, "name")), CL_ESCAPE_HTML);
		/* a third-party plugin names its own version: text like any other */
		fputc(' ', out);
		cl_view_escaped(out, json_string_value(json_object_get(p, "version")), CL_ESCAPE_HTML);
		fputs(" (", out);
		cl_view_escaped(out, json_string_value(json_object_get(p, "kind")), CL_ESCAPE_HTML);
		fputs(") ", out);
		cl_view_escaped(out, json_string_value(json_object_get(p, "path")), CL_ESCAPE_HTML);
		fprintf(out, "</td></tr>\n");
	}
	fprintf(out, "</table>\n");
}

/* A heading and a view's text, when it has any. */
static void text_block(FILE *out, const char *heading, const struct cl_results *r, cl_view_fn view)
{
	char *text = cl_view_text(view, r);

	if (text && *text) {
		fprintf(out, "<h2>%s</h2>\n<pre class=\"text\">", heading);
		cl_view_escaped(out, text + strspn(text, "\n"), CL_ESCAPE_HTML);
		fprintf(out, "</pre>\n");
	}
	free(text);
}

/* One paragraph's text, ended as a sentence. */
static void sentence_end(FILE *out, const char *last)
{
	if (last && !strchr(".!?:", *last))
		fputc('.', out);
	fprintf(out, "</p>\n");
}

/* The summary as prose: each line the terminal indents least is a
 * paragraph, the lines indented under it (the slowest, cells left out)
 * its further sentences. */
static void summary_prose(FILE *out, const struct cl_results *r)
{
	char *text = cl_view_text(cl_view_summary, r), *save = NULL;
	size_t least = SIZE_MAX;
	const char *last = NULL;
	bool open = false;

	for (char *l = text; l && *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] == '\n'))
		if (l[strspn(l, " ")] != '\n' && l[strspn(l, " ")])
			least = strspn(l, " ") < least ? strspn(l, " ") : least;
	if (least == SIZE_MAX) {
		free(text);
		return;
	}
	fprintf(out, "<h2>In short</h2>\n<div class=\"prose\">\n");
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		size_t indent = strspn(l, " "), len;

		l += indent;
		if (!*l)
			continue;
		if (indent <= least || !open) {
			if (open)
				sentence_end(out, last);
			fprintf(out, "<p>");
			open = true;
		} else {
			/* "and, indistinguishable from it: ..." goes on the sentence */
			fputs(last && strchr(".!?", *last) ? " " : !strncmp(l, "and", 3) ? ", " : "; ", out);
		}
		len = strlen(l);
		while (len && l[len - 1] == ' ')
			l[--len] = 0;
		cl_view_escaped(out, l, CL_ESCAPE_HTML);
		last = len ? &l[len - 1] : last;
	}
	if (open)
		sentence_end(out, last);
	fprintf(out, "</div>\n");
	free(text);
}

/* The counter: its chart when a cell lost updates or promises no
 * exactness; one line when every cell was exact. */
static void counter_section(FILE *out, const struct cl_results *r)
{
	size_t cells;

	if (!cl_view_has_counter(r))
		return;
	fprintf(out, "<h2>The counter</h2>\n");
	if (chart_counter_news(r, &cells)) {
		cl_view_lost_svg(out, r);
		fprintf(out, "\n");
	} else {
		fprintf(out, "<p>Every counter was exact: %s %zu cell%s with a counter kept every update in every "
			"trial.</p>\n", cells == 1 ? "the" : cells == 2 ? "both" : "all", cells, cells == 1 ? "" : "s");
	}
}

void cl_view_html(FILE *out, const struct cl_results *r, bool seed_table)
{
	const char *warnings = json_string_value(json_object_get(r->environment, "warnings"));
	char err[256];

	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>conclab: ");
	cl_view_escaped(out, r->name, CL_ESCAPE_HTML);
	fprintf(out, "</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
		"table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
		"text-align:left;font-size:13px}th{background:#f3f3f3}pre{background:#f7f7f7;padding:1em;"
		"overflow:auto}pre.text{background:none;padding:0;white-space:pre-wrap}.warn{color:#a40}"
		"table.kv{margin:0}table.kv th,table.kv td{font-size:12px;padding:1px 6px}"
		".prose p{margin:0.4em 0;line-height:1.4}</style></head><body>\n<h1>");
	cl_view_escaped(out, r->name, CL_ESCAPE_HTML);
	fprintf(out, "</h1>\n<p>");
	cl_view_escaped(out, r->description, CL_ESCAPE_HTML);
	fprintf(out, "</p>\n");
	if (r->interrupted) {
		fprintf(out, "<p class=\"warn\">Partial results: the run was stopped by ");
		cl_view_escaped(out, r->interrupted, CL_ESCAPE_HTML);
		fprintf(out, "; only its finished trials are here.</p>\n");
	}
	if (warnings && *warnings) {
		fprintf(out, "<p class=\"warn\">warning: ");
		cl_view_escaped(out, warnings, CL_ESCAPE_HTML);
		fprintf(out, "</p>\n");
	}
	summary_prose(out, r);
	if (seed_table) {
		fprintf(out, "<h2>The seed's table, measured</h2>\n");
		if (cl_view_seed_table(out, r, true, err, sizeof err)) {
			fprintf(out, "<p class=\"warn\">");
			cl_view_escaped(out, err, CL_ESCAPE_HTML);
			fprintf(out, "</p>\n");
		}
	}
	/* a timed sweep's point is the scaling plot: it comes first; a timed
	 * cell's wall time is its duration_ms, so its figure is its ops/s */
	bool timed = cl_view_timed(r), sweep = cl_view_has_sweep(r);

	if (timed && sweep) {
		fprintf(out, "<h2>Throughput and fairness against the sweep</h2>\n");
		if (cl_view_sweep_svg(out, r) == 0)
			fprintf(out, "\n");
		if (cl_view_sweep_fair_svg(out, r) == 0)
			fprintf(out, "\n");
	}
	/* open loop: the wall time is the schedule's; latency against offered
	 * load is the figure, each knee in the summary above */
	if (cl_view_open_loop(r)) {
		fprintf(out, "<h2>Latency against offered load</h2>\n");
		if (!sweep || cl_view_sweep_svg(out, r) != 0)
			fprintf(out, "<p>Sweep arrival.rate to draw p99 response time against offered "
				"load.</p>\n");
		fprintf(out, "\n");
	} else {
		fprintf(out, "<h2>%s</h2>\n", timed ? "Operations a second, per cell" : "Wall time");
		cl_view_bars_svg(out, r);
		fprintf(out, "\n");
		if (!timed && sweep && cl_view_sweep_svg(out, r) == 0)
			fprintf(out, "\n");
	}
	if (timed && cl_view_timeline_svg(out, r) == 0)
		fprintf(out, "\n");
	counter_section(out, r);
	cells_table(out, r);
	text_block(out, "Notes and caveats", r, cl_view_notes);
	machine_table(out, r->environment);
	fprintf(out, "<h2>Experiment config</h2>\n<pre>");
	cl_view_escaped(out, r->config, CL_ESCAPE_HTML);
	fprintf(out, "</pre>\n</body></html>\n");
}
