/* One self-contained HTML page: charts, tables, the config and the machine. */
#define _GNU_SOURCE
#include "views.h"
#include "format.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void cells_table(FILE *out, const struct cl_results *r)
{
	char m[32], a[32], b[32], cnt[96], speed[64], ops[96];
	bool timed = cl_view_timed(r);

	fprintf(out, "<h2>Cells</h2>\n<table><tr><th>cell</th><th>ok</th><th>wall (median)</th>"
		"<th>interval</th><th>cv</th><th>cores</th><th>memory (all processes)</th><th>speedup</th>"
		"<th>counter</th>%s</tr>\n", timed ? "<th>ops/s (interval), fairness</th>" : "");
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_results_cell *c = &r->cells[i];
		const struct cl_cell_summary *s = &c->summary;

		fprintf(out, "<tr><td>");
		cl_view_escaped(out, c->label, CL_ESCAPE_HTML);
		if (!s->ok) { /* as the table and Markdown show it */
			fprintf(out, "</td><td>0/%zu</td><td>-</td><td>-</td><td>-</td><td>-</td><td>-</td>"
				"<td>-</td><td>-</td>%s</tr>\n", s->measured, timed ? "<td>-</td>" : "");
			continue;
		}
		cl_view_counter(c, cnt, sizeof cnt);
		cl_view_speedup(c, speed, sizeof speed);
		cl_view_throughput(c, ops, sizeof ops);
		fprintf(out, "</td><td>%zu/%zu</td><td>%s</td><td>%s - %s</td><td>%.1f%%</td><td>%.2f</td>"
			"<td>%.1f MB</td><td>%s</td><td>%s</td>%s%s%s</tr>\n", s->ok, s->measured,
			cl_format_ns(llround(s->wall.median), m, sizeof m),
			cl_format_ns(llround(s->wall.ci_lo), a, sizeof a),
			cl_format_ns(llround(s->wall.ci_hi), b, sizeof b), 100 * cl_view_cv(c), s->cores,
			s->rss_kb / 1024, speed, cnt, timed ? "<td>" : "", timed ? ops : "", timed ? "</td>" : "");
	}
	fprintf(out, "</table>\n");
}

static void machine_table(FILE *out, const json_t *env)
{
	const char *key;
	json_t *v, *p;
	size_t i;

	fprintf(out, "<h2>Machine</h2>\n<table>\n");
	json_object_foreach((json_t *)env, key, v) {
		if (!strcmp(key, "plugins"))
			continue;
		char *text = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		fprintf(out, "<tr><th>");
		cl_view_escaped(out, key, CL_ESCAPE_HTML);
		fprintf(out, "</th><td>");
		cl_view_escaped(out, text ? text : json_string_value(v), CL_ESCAPE_HTML);
		fprintf(out, "</td></tr>\n");
		free(text);
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

void cl_view_html(FILE *out, const struct cl_results *r, bool seed_table)
{
	const char *warnings = json_string_value(json_object_get(r->environment, "warnings"));
	char err[256];

	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>conclab: ");
	cl_view_escaped(out, r->name, CL_ESCAPE_HTML);
	fprintf(out, "</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
		"table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
		"text-align:left;font-size:13px}th{background:#f3f3f3}pre{background:#f7f7f7;padding:1em;"
		"overflow:auto}pre.text{background:none;padding:0;white-space:pre-wrap}.warn{color:#a40}</style></head><body>\n<h1>");
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
	text_block(out, "In short", r, cl_view_summary);
	if (seed_table) {
		fprintf(out, "<h2>The seed's table, measured</h2>\n");
		if (cl_view_seed_table(out, r, true, err, sizeof err)) {
			fprintf(out, "<p class=\"warn\">");
			cl_view_escaped(out, err, CL_ESCAPE_HTML);
			fprintf(out, "</p>\n");
		}
	}
	fprintf(out, "<h2>Wall time</h2>\n");
	cl_view_bars_svg(out, r);
	fprintf(out, "\n");
	if (cl_view_timed(r))
		fprintf(out, "<h2>Throughput and fairness</h2>\n");
	if (cl_view_sweep_svg(out, r) == 0)
		fprintf(out, "\n");
	if (cl_view_sweep_fair_svg(out, r) == 0)
		fprintf(out, "\n");
	if (cl_view_timeline_svg(out, r) == 0)
		fprintf(out, "\n");
	if (cl_view_has_counter(r)) {
		fprintf(out, "<h2>The counter</h2>\n");
		cl_view_lost_svg(out, r);
		fprintf(out, "\n");
	}
	cells_table(out, r);
	text_block(out, "Notes and caveats", r, cl_view_notes);
	machine_table(out, r->environment);
	fprintf(out, "<h2>Experiment config</h2>\n<pre>");
	cl_view_escaped(out, r->config, CL_ESCAPE_HTML);
	fprintf(out, "</pre>\n</body></html>\n");
}
