/* Markdown and HTML reports of a results file, and the seed tutorial's
 * comparison table regenerated from measurements. */
#include "render.h"

#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static double num(const json_t *o, const char *path)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
		o = json_object_get(o, key);
		path = dot + 1;
	}
	return json_number_value(json_object_get(o, path));
}

/* Median of a field over the cell's measured ok trials. */
static double trial_median(const json_t *cell, const char *field)
{
	const json_t *t;
	double v[1024];
	size_t i, n = 0;

	json_array_foreach(json_object_get(cell, "trials"), i, t)
		if (n < 1024 && !json_is_true(json_object_get(t, "warmup")) && !strcmp(str(t, "status"), "ok"))
			v[n++] = num(t, field);
	for (size_t a = 1; a < n; a++) /* insertion sort: a handful of trials */
		for (size_t b = a; b > 0 && v[b - 1] > v[b]; b--) {
			double x = v[b];

			v[b] = v[b - 1];
			v[b - 1] = x;
		}
	return n ? (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) : 0;
}

static void counter_cell(const json_t *cell, char *buf, size_t len)
{
	const json_t *t = json_array_get(json_object_get(cell, "trials"), 0);
	double expected = num(t, "counter.expected"), lost = num(json_object_get(cell, "summary"), "lost_median");

	if (!t || expected == 0)
		snprintf(buf, len, "-");
	else if (lost == 0)
		snprintf(buf, len, "exact %.0f", expected);
	else
		snprintf(buf, len, "lost %.0f of %.0f", lost, expected);
}

void cl_render_markdown(FILE *out, const json_t *results)
{
	const json_t *x = json_object_get(results, "experiment"), *env = json_object_get(results, "environment");
	const json_t *c;
	size_t i;
	char a[32], b[32], m[32], cnt[96];

	fprintf(out, "## %s\n\n%s\n\n", str(x, "name"), str(x, "description"));
	if (json_is_string(json_object_get(x, "interrupted")))
		fprintf(out, "**Partial results:** the run was stopped by %s; only its finished trials "
			"are here.\n\n", str(x, "interrupted"));
	fprintf(out, "%g trials per cell after %g warmup, on %g cores (%s), conclab %s.\n\n",
		num(x, "repeat"), num(x, "warmup"), num(env, "cores"), str(env, "cpu_model"),
		str(env, "conclab_version"));
	fprintf(out, "| cell | ok | wall (median) | interval | cv | cores | speedup | counter |\n");
	fprintf(out, "|---|---:|---:|---|---:|---:|---|---|\n");
	json_array_foreach(json_object_get(results, "cells"), i, c) {
		const json_t *s = json_object_get(c, "summary");

		counter_cell(c, cnt, sizeof cnt);
		if (num(s, "ok") == 0) {
			fprintf(out, "| %s | 0/%g | - | - | - | - | - | - |\n", str(c, "label"), num(s, "measured"));
			continue;
		}
		fprintf(out, "| %s | %g/%g | %s | %s - %s | %.1f%% | %.2f | %.2fx (%.2f-%.2f) | %s |\n",
			str(c, "label"), num(s, "ok"), num(s, "measured"),
			cl_format_ns((int64_t)num(s, "wall_ns.median"), m, sizeof m),
			cl_format_ns((int64_t)num(s, "wall_ns.ci.lo"), a, sizeof a),
			cl_format_ns((int64_t)num(s, "wall_ns.ci.hi"), b, sizeof b), 100 * num(s, "wall_ns.cv"),
			trial_median(c, "cores"), num(s, "speedup"), num(s, "speedup_ci.lo"),
			num(s, "speedup_ci.hi"), cnt);
	}
}

/* ---- the seed's table ---------------------------------------------------- */

static const json_t *find_cell(const json_t *results, const char *workload, const char *strategy,
			       const char *sync)
{
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(results, "cells"), i, c)
		if (!strcmp(str(c, "workload"), workload) && !strcmp(str(c, "strategy"), strategy) &&
		    !strcmp(str(c, "sync"), sync) && num(json_object_get(c, "summary"), "ok") > 0)
			return c;
	return NULL;
}

/* Speedup of strategy on a workload against serial on it, medians. */
static double speedup(const json_t *results, const char *workload, const char *strategy)
{
	const json_t *base = find_cell(results, workload, "serial", "none");
	const json_t *c = find_cell(results, workload, strategy, "none");

	return num(json_object_get(base, "summary"), "wall_ns.median") /
	       num(json_object_get(c, "summary"), "wall_ns.median");
}

int cl_render_seed_table(FILE *out, const json_t *results, int html, char *err, size_t errlen)
{
	static const char *const models[] = { "threads", "processes", "async" };
	static const char *const heads[] = { "Threading", "Multiprocessing", "Asynchronous" };
	const char *need[][3] = { { "io", "serial", "none" }, { "cpu", "serial", "none" },
				  { "race", "threads", "none" }, { "race", "threads", "mutex" } };
	char rows[6][3][128];
	double tasks = 0;
	int threads_parallel = 0, async_exact = 0;

	for (size_t k = 0; k < sizeof need / sizeof *need; k++)
		if (!find_cell(results, need[k][0], need[k][1], need[k][2]))
			return snprintf(err, errlen, "no ok cell %s: %s+%s in these results: the seed table "
					"needs the workloads io, cpu and race of configs/seed-table.cfg",
					need[k][0], need[k][1], need[k][2]), -1;
	tasks = num(json_object_get(find_cell(results, "io", "serial", "none"), "params"), "tasks");
	for (int m = 0; m < 3; m++) {
		const json_t *cpu = find_cell(results, "cpu", models[m], "none");
		const json_t *none = find_cell(results, "race", models[m], "none");
		const json_t *lock = find_cell(results, "race", models[m], "mutex");
		double cores = cpu ? trial_median(cpu, "cores") : 0;
		double io = find_cell(results, "io", models[m], "none") ? speedup(results, "io", models[m]) : 0;
		double cp = cpu ? speedup(results, "cpu", models[m]) : 0;
		char lost[96];

		if (m == 0 && cores > 1.5)
			threads_parallel = 1;
		snprintf(rows[0][m], sizeof rows[0][m], "%.1f core%s on CPU-bound work (%s)%s", cores,
			 cores >= 1.05 ? "s" : "", cores > 1.5 ? "multi-core" : "single-core",
			 m == 0 && threads_parallel ? " [1]" : "");
		snprintf(rows[1][m], sizeof rows[1][m], "%s%s%s",
			 io >= 0.8 * tasks ? "I/O-bound" : "", io >= 0.8 * tasks && cp > 1.5 ? " and " : "",
			 cp > 1.5 ? "CPU-bound" : io >= 0.8 * tasks ? "" : "neither");
		snprintf(rows[2][m], sizeof rows[2][m], "%.2fx", io);
		snprintf(rows[3][m], sizeof rows[3][m], "%.2fx", cp);
		if (none)
			counter_cell(none, lost, sizeof lost);
		snprintf(rows[4][m], sizeof rows[4][m], "%s%s", none ? lost : "not measured",
			 m == 2 && none && strncmp(lost, "exact", 5) == 0 ? " [2]" : "");
		async_exact |= m == 2 && none && strncmp(lost, "exact", 5) == 0;
		if (lock)
			counter_cell(lock, lost, sizeof lost);
		snprintf(rows[5][m], sizeof rows[5][m], "%s", lock ? lost : "not measured");
	}
	static const char *const names[] = {
		"CPU usage", "Suitable for", "Speed-up, I/O-bound (vs serial)",
		"Speed-up, CPU-bound (vs serial)", "Shared counter, no lock", "Shared counter, mutex",
	};
	if (html) {
		fprintf(out, "<table>\n<tr><th>Feature</th>");
		for (int m = 0; m < 3; m++)
			fprintf(out, "<th>%s (%s)</th>", heads[m], models[m]);
		fprintf(out, "</tr>\n");
		for (int r = 0; r < 6; r++) {
			fprintf(out, "<tr><td>%s</td>", names[r]);
			for (int m = 0; m < 3; m++)
				fprintf(out, "<td>%s</td>", rows[r][m]);
			fprintf(out, "</tr>\n");
		}
		fprintf(out, "</table>\n");
	} else {
		fprintf(out, "| Feature | Threading (threads) | Multiprocessing (processes) | Asynchronous (async) |\n");
		fprintf(out, "|---|---|---|---|\n");
		for (int r = 0; r < 6; r++)
			fprintf(out, "| %s | %s | %s | %s |\n", names[r], rows[r][0], rows[r][1], rows[r][2]);
	}
	fprintf(out, "%s%.0f tasks per workload; speed-ups are median wall time against serial on the "
		"same workload; counters are medians over the trials.%s\n", html ? "<p>" : "\n", tasks,
		html ? "</p>" : "");
	if (threads_parallel)
		fprintf(out, "%s[1] The tutorial says threading is \"Single-core (due to GIL)\". That is "
			"CPython's Global Interpreter Lock; C threads have none, so here threads ran CPU "
			"work on several cores at once, like processes.%s\n", html ? "<p>" : "\n",
			html ? "</p>" : "");
	if (async_exact)
		fprintf(out, "%s[2] One event loop runs one task at a time and never switches tasks inside "
			"an increment step, so even without a lock no update is lost: the seed's asyncio "
			"behaves the same, as long as no await sits between the read and the write.%s\n",
			html ? "<p>" : "\n", html ? "</p>" : "");
	return 0;
}

/* ---- one HTML page ------------------------------------------------------- */

static void html_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '<')
			fputs("&lt;", out);
		else if (*s == '>')
			fputs("&gt;", out);
		else if (*s == '&')
			fputs("&amp;", out);
		else
			fputc(*s, out);
	}
}

void cl_render_html(FILE *out, const json_t *results, int seed_table)
{
	const json_t *x = json_object_get(results, "experiment"), *env = json_object_get(results, "environment");
	const json_t *c;
	const char *key;
	json_t *v;
	size_t i;
	char m[32], a[32], b[32], cnt[96], err[256];

	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>conclab: ");
	html_text(out, str(x, "name"));
	fprintf(out, "</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
		"table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
		"text-align:left;font-size:13px}th{background:#f3f3f3}pre{background:#f7f7f7;padding:1em;"
		"overflow:auto}.warn{color:#a40}</style></head><body>\n<h1>");
	html_text(out, str(x, "name"));
	fprintf(out, "</h1>\n<p>");
	html_text(out, str(x, "description"));
	fprintf(out, "</p>\n");
	if (json_is_string(json_object_get(x, "interrupted"))) {
		fprintf(out, "<p class=\"warn\">Partial results: the run was stopped by ");
		html_text(out, str(x, "interrupted"));
		fprintf(out, "; only its finished trials are here.</p>\n");
	}
	if (*str(env, "warnings")) {
		fprintf(out, "<p class=\"warn\">warning: ");
		html_text(out, str(env, "warnings"));
		fprintf(out, "</p>\n");
	}
	if (seed_table) {
		fprintf(out, "<h2>The seed's table, measured</h2>\n");
		if (cl_render_seed_table(out, results, 1, err, sizeof err)) {
			fprintf(out, "<p class=\"warn\">");
			html_text(out, err);
			fprintf(out, "</p>\n");
		}
	}
	fprintf(out, "<h2>Wall time</h2>\n");
	cl_render_bars_svg(out, results);
	if (json_object_get(results, "cells")) {
		fprintf(out, "\n");
		if (cl_render_sweep_svg(out, results) == 0)
			fprintf(out, "\n");
	}
	fprintf(out, "<h2>Cells</h2>\n<table><tr><th>cell</th><th>ok</th><th>wall (median)</th>"
		"<th>interval</th><th>cv</th><th>cores</th><th>max RSS</th><th>speedup</th>"
		"<th>counter</th></tr>\n");
	json_array_foreach(json_object_get(results, "cells"), i, c) {
		const json_t *s = json_object_get(c, "summary");

		counter_cell(c, cnt, sizeof cnt);
		fprintf(out, "<tr><td>");
		html_text(out, str(c, "label"));
		fprintf(out, "</td><td>%g/%g</td><td>%s</td><td>%s - %s</td><td>%.1f%%</td><td>%.2f</td>"
			"<td>%.1f MB</td><td>%.2fx</td><td>%s</td></tr>\n", num(s, "ok"), num(s, "measured"),
			cl_format_ns((int64_t)num(s, "wall_ns.median"), m, sizeof m),
			cl_format_ns((int64_t)num(s, "wall_ns.ci.lo"), a, sizeof a),
			cl_format_ns((int64_t)num(s, "wall_ns.ci.hi"), b, sizeof b),
			100 * num(s, "wall_ns.cv"), trial_median(c, "cores"),
			trial_median(c, "max_rss_kb") / 1024, num(s, "speedup"), cnt);
	}
	fprintf(out, "</table>\n<h2>Machine</h2>\n<table>\n");
	json_object_foreach((json_t *)env, key, v) {
		if (!strcmp(key, "plugins"))
			continue;
		char *text = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		fprintf(out, "<tr><th>");
		html_text(out, key);
		fprintf(out, "</th><td>");
		html_text(out, text ? text : json_string_value(v));
		fprintf(out, "</td></tr>\n");
		free(text);
	}
	json_array_foreach(json_object_get(env, "plugins"), i, c) {
		fprintf(out, "<tr><th>plugin</th><td>");
		html_text(out, str(c, "name"));
		fprintf(out, " %s (%s) ", str(c, "version"), str(c, "kind"));
		html_text(out, str(c, "path"));
		fprintf(out, "</td></tr>\n");
	}
	fprintf(out, "</table>\n<h2>Experiment config</h2>\n<pre>");
	html_text(out, str(x, "config"));
	fprintf(out, "</pre>\n</body></html>\n");
}
