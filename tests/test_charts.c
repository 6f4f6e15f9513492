/* The charts a person shares: colours told apart, at most CHART_SERIES_MAX
 * lines a panel, each named at its end with no two names on each other,
 * SI ticks, failed and partial cells drawn as such, a plugin's own sweep
 * beside the others, ops/s for timed cells, an error (and no file) for a
 * chart with nothing to draw, and the HTML's machine and summary. The
 * results are made here, with every case in them. */
#define _GNU_SOURCE
#include "testlib.h"

#include "chart.h"
#include "views.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BIN    CL_TEST_CONCLAB
#define LOCKS  CL_TEST_SOURCE_DIR "/tests/fixtures/results/locks-contention.json"
#define SEED   CL_TEST_SOURCE_DIR "/tests/fixtures/results/seed-table.json"

static const char *const syncs[] = { "mutex", "spin", "atomic", "cas", "tas", "ttas", "ticket",
				     "anderson", "mcs", "clh", "sem", "rwlock", "spinpark", "sharded" };
#define NSYNCS (sizeof syncs / sizeof *syncs)

static json_t *trial(bool ok, double ops_per_s, bool samples)
{
	json_int_t ops = (json_int_t)(ops_per_s * 0.3);
	json_t *s = json_array(), *t;

	for (int j = 1; samples && j <= 12; j++)
		json_array_append_new(s, json_pack("[II]", (json_int_t)25000000 * j, ops * j / 12));
	t = json_pack("{ss sb sI sf s{sI sI} s{sI sI sI sb} s{sI sI sf s{sI sI sf sf} so}}", "status",
		      ok ? "ok" : "error", "warmup", 0, "wall_ns", (json_int_t)300000000, "cores", 1.0,
		      "latency_ns", "p50", (json_int_t)1, "p99", (json_int_t)2, "counter", "expected", ops,
		      "actual", ops, "lost", (json_int_t)0, "inexact", 0, "duration", "window_ns",
		      (json_int_t)300000000, "ops", ops, "ops_per_s", ops_per_s, "fairness", "min", ops / 3, "max",
		      ops / 2, "cv", 0.1, "jain", 0.9, "samples", s);
	if (!ok)
		json_object_set_new(t, "message", json_string("the plugin said no"));
	return t;
}

/* 14 syncs (tas with its own backoff swept: 15 lines) at tasks 1, 2, 4, 8,
 * every figure between 100k and 300k ops/s; threads+ticket tasks=4 with
 * 1 of 6 trials ok, threads+mcs tasks=8 with none. */
static char *make_results(bool samples)
{
	json_t *root = json_object(), *cells = json_array();
	char *path = cl_test_write_file(".json", "");

	json_object_set_new(root, "schema", json_string(CL_RESULTS_SCHEMA));
	json_object_set_new(root, "experiment", json_pack("{ss sI sI sf}", "name", "gen", "repeat", (json_int_t)2,
							   "warmup", (json_int_t)0, "timeout_s", 10.0));
	json_object_set_new(root, "environment", json_pack("{si s[fff] s{sb si s[ii]} ss}", "cores", 2,
		"load_average", 0.5, 0.25, 0.125, "topology", "hwloc", 1, "cpus", 2, "compact", 0, 1,
		"cpu_model", "<b>cpu</b>"));
	for (int tasks = 1; tasks <= 8; tasks *= 2)
		for (size_t s = 0; s < NSYNCS; s++)
			for (int backoff = 0; backoff <= (strcmp(syncs[s], "tas") ? 0 : 1); backoff++) {
				char label[96], base[96];
				json_t *trials = json_array(), *sweep = json_pack("{si}", "tasks", tasks);
				bool partial = !strcmp(syncs[s], "ticket") && tasks == 4;
				bool failed = !strcmp(syncs[s], "mcs") && tasks == 8;
				double ops = 1e5 + 2e5 * (double)(s * 2 + (size_t)backoff) / 30 / sqrt(tasks);

				snprintf(label, sizeof label, "threads+%s tasks=%d%s", syncs[s], tasks,
					 strcmp(syncs[s], "tas") ? "" : backoff ? " tas.backoff=1" : " tas.backoff=0");
				snprintf(base, sizeof base, "threads+mutex tasks=%d", tasks);
				if (!strcmp(syncs[s], "tas"))
					json_object_set_new(sweep, "tas.backoff", json_integer(backoff));
				for (int t = 0; t < (partial ? 6 : 2); t++)
					json_array_append_new(trials, trial(!failed && (!partial || t == 0),
									    ops * (1 + 0.02 * t), samples));
				json_array_append_new(cells, json_pack("{ss ss ss s{si} so ss so}", "label", label,
					"strategy", "threads", "sync", syncs[s], "params", "tasks", tasks, "sweep", sweep,
					"baseline", base, "trials", trials));
			}
	json_object_set_new(root, "cells", cells);
	CU_ASSERT_EQUAL(json_dump_file(root, path, 0), 0);
	json_decref(root);
	return path;
}

/* not inlined: GCC then takes the text for the local pointer that held it */
__attribute__((noinline)) static char *render(int (*view)(FILE *, const struct cl_results *),
					      const struct cl_results *r, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*rc = view(f, r);
	fclose(f);
	return buf;
}

static int bars(FILE *f, const struct cl_results *r) { cl_view_bars_svg(f, r); return 0; }
static int page(FILE *f, const struct cl_results *r) { cl_view_html(f, r, false); return 0; }

/* ---- the palette ---------------------------------------------------------- */

static void lab(const char *hex, double out[3])
{
	unsigned rgb[3];
	double c[3], xyz[3];

	CU_ASSERT_EQUAL_FATAL(sscanf(hex, "#%02x%02x%02x", &rgb[0], &rgb[1], &rgb[2]), 3);
	for (int k = 0; k < 3; k++) {
		c[k] = rgb[k] / 255.0;
		c[k] = c[k] <= 0.04045 ? c[k] / 12.92 : pow((c[k] + 0.055) / 1.055, 2.4);
	}
	xyz[0] = (0.4124 * c[0] + 0.3576 * c[1] + 0.1805 * c[2]) / 0.95047;
	xyz[1] = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
	xyz[2] = (0.0193 * c[0] + 0.1192 * c[1] + 0.9505 * c[2]) / 1.08883;
	for (int k = 0; k < 3; k++)
		xyz[k] = xyz[k] > 0.008856 ? cbrt(xyz[k]) : 7.787 * xyz[k] + 16.0 / 116;
	out[0] = 116 * xyz[1] - 16;
	out[1] = 500 * (xyz[0] - xyz[1]);
	out[2] = 200 * (xyz[1] - xyz[2]);
}

/* CIE76: the Euclidean distance in Lab; about 2.3 is just noticeable, and
 * lines of a chart want far more than that. */
static double delta_e(const char *a, const char *b)
{
	double x[3], y[3];

	lab(a, x);
	lab(b, y);
	return sqrt(pow(x[0] - y[0], 2) + pow(x[1] - y[1], 2) + pow(x[2] - y[2], 2));
}

static void test_palette_apart(void)
{
	double least = INFINITY;

	for (size_t i = 0; i < CHART_SERIES_MAX; i++) {
		for (size_t k = i + 1; k < CHART_SERIES_MAX; k++)
			least = fmin(least, delta_e(chart_color(i), chart_color(k)));
		CU_ASSERT(delta_e(chart_color(i), CHART_FADED) > 15); /* a line never reads as faded */
		CU_ASSERT(delta_e(chart_ink(i), "#FFFFFF") > 40);      /* its name reads on white */
		CU_ASSERT(delta_e(chart_color(i), "#FFFFFF") > 20);
	}
	printf("\n    smallest CIE76 distance between two colours: %.1f\n", least);
	CU_ASSERT(least > 20);
}

/* ---- axes and labels ------------------------------------------------------- */

static void labels_of(const struct chart_axis *a, enum chart_kind kind, char *all, size_t len)
{
	double v[64];
	size_t n = chart_tick_values(a, v, 64);
	char text[32];

	*all = 0;
	for (size_t k = 0; k < n; k++) {
		chart_tick_label(a, kind, v[k], text, sizeof text);
		snprintf(all + strlen(all), len - strlen(all), "%s ", text);
	}
}

static void test_si_ticks(void)
{
	struct chart_axis a;
	char all[512], text[32];

	chart_axis_fit(&a, 1e5, 3e5, true); /* 0.0001-0.0003 G */
	labels_of(&a, CHART_RATE, all, sizeof all);
	CU_ASSERT_STRING_EQUAL(all, "0 50k 100k 150k 200k 250k 300k 350k ");
	chart_axis_fit(&a, 2e4, 3e9, true);
	CU_ASSERT_TRUE(a.log);
	labels_of(&a, CHART_RATE, all, sizeof all);
	CU_ASSERT_STRING_EQUAL(all, "10k 100k 1M 10M 100M 1G 10G ");
	chart_axis_fit(&a, 1.2e6, 1.5e6, true);
	labels_of(&a, CHART_RATE, all, sizeof all);
	CU_ASSERT_STRING_EQUAL(all, "0 0.2M 0.4M 0.6M 0.8M 1M 1.2M 1.4M 1.6M ");
	a = (struct chart_axis){ .log = true, .lo = 1e5, .hi = 1e7 }; /* two decades: 1, 2, 5 */
	labels_of(&a, CHART_RATE, all, sizeof all);
	CU_ASSERT_STRING_EQUAL(all, "100k 200k 500k 1M 2M 5M 10M ");
	chart_axis_fit(&a, 0, 3e8, false); /* 300 ms */
	labels_of(&a, CHART_TIME, all, sizeof all);
	CU_ASSERT_STRING_EQUAL(all, "0 50 100 150 200 250 300 350 ");
	CU_ASSERT_STRING_EQUAL(chart_axis_unit(&a, CHART_TIME), "ms");
	a = (struct chart_axis){ .log = true, .lo = 1e4, .hi = 1e9 };
	labels_of(&a, CHART_TIME, all, sizeof all);
	CU_ASSERT_STRING_EQUAL(all, "10 us 100 us 1 ms 10 ms 100 ms 1 s ");
	chart_value(CHART_RATE, 14.7e6, text, sizeof text);
	CU_ASSERT_STRING_EQUAL(text, "14.7M");
	chart_value(CHART_RATE, 2.64e9, text, sizeof text);
	CU_ASSERT_STRING_EQUAL(text, "2.64G");
	chart_value(CHART_TIME, 2e9, text, sizeof text);
	CU_ASSERT_STRING_EQUAL(text, "2.00 s");
	chart_value(CHART_TIME, 5.02e8, text, sizeof text);
	CU_ASSERT_STRING_EQUAL(text, "502 ms");
}

static void test_nudge(void)
{
	double y[] = { 100, 101, 102, 300, 399, 400 };
	size_t n = sizeof y / sizeof *y;

	chart_nudge(y, n, 13, 0, 400);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT(y[i] >= 0 && y[i] <= 400);
		for (size_t k = i + 1; k < n; k++)
			CU_ASSERT(fabs(y[i] - y[k]) >= 13 - 1e-9);
	}
	CU_ASSERT_DOUBLE_EQUAL(y[3], 300, 1e-9); /* a label with room stays where it is */
	CU_ASSERT_DOUBLE_EQUAL(y[5], 400, 1e-9);
}

/* Each plot of an SVG: at most CHART_SERIES_MAX lines in colour, and no two
 * names at their ends on each other. Returns the lines in colour. */
static size_t check_plots(const char *svg, size_t *plots)
{
	size_t lines = 0;

	*plots = 0;
	for (const char *p = strstr(svg, "<g class=\"plot\">"); p; p = strstr(p + 1, "<g class=\"plot\">")) {
		const char *end = strstr(p, "</g>");
		double y[64];
		size_t n = 0, series = 0;

		CU_ASSERT_PTR_NOT_NULL_FATAL(end);
		for (const char *s = strstr(p, "class=\"series\""); s && s < end; s = strstr(s + 1, "class=\"series\""))
			series++;
		for (const char *l = strstr(p, "class=\"label\""); l && l < end && n < 64;
		     l = strstr(l + 1, "class=\"label\""))
			CU_ASSERT_EQUAL(sscanf(strstr(l, " y=\"") + 4, "%lf", &y[n++]), 1);
		CU_ASSERT(series <= CHART_SERIES_MAX);
		CU_ASSERT_EQUAL(n, series);
		for (size_t i = 0; i < n; i++)
			for (size_t k = i + 1; k < n; k++)
				CU_ASSERT(fabs(y[i] - y[k]) >= 12);
		lines += series;
		++*plots;
	}
	return lines;
}

static void test_sweep_small_multiples(void)
{
	char *path = make_results(false), err[512], *svg;
	struct cl_results r;
	size_t plots;
	int rc;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, path, err, sizeof err), 0);
	svg = render(cl_view_sweep_svg, &r, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	/* 15 lines (tas twice, by its own backoff) in one panel: two plots of 8 and 7 */
	CU_ASSERT_EQUAL(check_plots(svg, &plots), 15);
	CU_ASSERT_EQUAL(plots, 2);
	CU_ASSERT_EQUAL(cl_test_count(svg, "class=\"panel\""), 1);
	CU_ASSERT_EQUAL(cl_test_count(svg, ">threads+tas tas.backoff=1</text>"), 1);
	CU_ASSERT_EQUAL(cl_test_count(svg, ">threads+mutex</text>"), 1);
	/* SI ticks of 100k-300k ops/s: never "0.0001 G" */
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, ">100k</text>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, ">300k</text>"));
	CU_ASSERT_PTR_NULL(strstr(svg, "0.0001"));
	CU_ASSERT_PTR_NULL(strstr(svg, "G ops/s"));
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, "higher is better"));
	/* the partial cell: hollow, "1/6 ok"; the failed one said */
	CU_ASSERT_EQUAL(cl_test_count(svg, "class=\"partial\""), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, ">1/6 ok</text>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, "no trial ok, not drawn: threads+mcs tasks=8</text>"));
	free(svg);
	cl_results_free(&r);
	unlink(path);
	free(path);
}

static void test_bars_ops_hatched(void)
{
	char *path = make_results(false), err[512], *svg, *row;
	struct cl_results r;
	int rc;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, path, err, sizeof err), 0);
	svg = render(bars, &r, &rc);
	/* timed cells: ops/s, higher is better; their wall (the duration) not drawn */
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, "median operations a second per cell"));
	CU_ASSERT_EQUAL(cl_test_count(svg, "median ops/s, higher is better"), 4);
	CU_ASSERT_PTR_NULL(strstr(svg, "wall time"));
	CU_ASSERT_PTR_NULL(strstr(svg, "0.0001"));
	/* the partial cell's bar is hatched and says 1/6 ok; only its */
	row = strstr(svg, "<title>threads+ticket tasks=4: median");
	CU_ASSERT_PTR_NOT_NULL_FATAL(row);
	CU_ASSERT_PTR_NOT_NULL(strstr(row, "class=\"hatched\""));
	CU_ASSERT(strstr(row, "class=\"hatched\"") < strstr(row, "<title>threads+mcs"));
	CU_ASSERT_PTR_NOT_NULL(strstr(row, ">1/6 ok</tspan>"));
	CU_ASSERT_EQUAL(cl_test_count(svg, "class=\"hatched\""), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, ">0/2 ok: no trial counted</text>"));
	free(svg);
	cl_results_free(&r);
	unlink(path);
	free(path);
}

static void test_timeline(void)
{
	char *with = make_results(true), *without = make_results(false), err[512], *svg, *out;
	char *dir = cl_test_temp_dir();
	struct cl_results r;
	size_t plots;
	int rc;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, with, err, sizeof err), 0);
	CU_ASSERT_PTR_NULL(cl_view_chart_empty(&r, CL_CHART_TIMELINE));
	svg = render(cl_view_timeline_svg, &r, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	/* a panel per task count, 15 lines in each (14 at tasks=8: mcs failed) */
	CU_ASSERT_EQUAL(check_plots(svg, &plots), 15 * 3 + 14);
	CU_ASSERT_EQUAL(plots, 8);
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, ">tasks=8"));
	free(svg);
	cl_results_free(&r);
	/* no samples: nothing written, and why */
	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, without, err, sizeof err), 0);
	CU_ASSERT_STRING_EQUAL(cl_view_chart_empty(&r, CL_CHART_TIMELINE),
			       "no cell has samples (set sample_ms in a duration step)");
	svg = render(cl_view_timeline_svg, &r, &rc);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_STRING_EQUAL(svg, "");
	free(svg);
	cl_results_free(&r);
	/* and report: exit 2, the option and why, no file at all */
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' report '%s' --timeline-svg '%s/t.svg'", BIN, without, dir), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "--timeline-svg: no cell has samples (set sample_ms in a duration step)"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "ls -A '%s' | wc -l", dir), 0);
	CU_ASSERT_STRING_EQUAL(out, "0\n");
	free(out);
	cl_test_sh(NULL, "rm -rf '%s' '%s' '%s'", dir, with, without);
	free(dir);
	free(with);
	free(without);
}

static void test_html_machine_and_prose(void)
{
	char *path = make_results(false), err[512], *html, *m;
	struct cl_results r;
	int rc;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, path, err, sizeof err), 0);
	html = render(page, &r, &rc);
	m = strstr(html, "<h2>Machine</h2>\n<table class=\"machine\">");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_PTR_NOT_NULL(strstr(m, "<tr><th>cores</th><td>2</td></tr>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(m, "<tr><th>load_average</th><td>0.50, 0.25, 0.12</td></tr>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(m, "<th>topology</th><td><table class=\"kv\"><tr><th>hwloc</th><td>yes</td>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(m, "<tr><th>compact</th><td>0, 1</td></tr>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(m, "<td>&lt;b&gt;cpu&lt;/b&gt;</td>"));
	CU_ASSERT_PTR_NULL(strstr(m, "[0"));  /* no JSON of its own */
	CU_ASSERT_PTR_NULL(strstr(m, "{"));
	/* timed: the first chart is of ops/s; the counter, all exact, one line */
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "<h2>Operations a second, per cell</h2>\n<svg"));
	CU_ASSERT_PTR_NULL(strstr(html, "<h2>Wall time"));
	CU_ASSERT_PTR_NULL(strstr(html, "updates lost (median share"));
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "<p>Every counter was exact: all 59 cells with a counter kept"));
	free(html);
	cl_results_free(&r);
	/* the seed table's summary as paragraphs, and its counter charted (none loses) */
	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, SEED, err, sizeof err), 0);
	html = render(page, &r, &rc);
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "<h2>In short</h2>\n<div class=\"prose\">\n<p>"));
	CU_ASSERT_PTR_NULL(strstr(html, "<h2>In short</h2>\n<pre"));
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "updates lost (median share"));
	free(html);
	cl_results_free(&r);
	unlink(path);
	free(path);
}

/* ---- in a browser ------------------------------------------------------------ */

/* Laid out by Chromium: every text of every chart inside its SVG (no name
 * cut at an edge), and no two names at line ends overlapping (their boxes
 * as drawn, not as estimated). */
static const char layout_page[] =
	"<!doctype html><html><body><p id=\"result\">pending</p>\n"
	"<iframe id=\"page\" src=\"page.html\" width=\"1400\" height=\"900\"></iframe>\n"
	"<script>\n"
	"document.getElementById('page').onload = (e) => {\n"
	"  const doc = e.target.contentDocument, svgs = doc.querySelectorAll('svg');\n"
	"  let texts = 0, clipped = 0, overlaps = 0;\n"
	"  svgs.forEach((s) => {\n"
	"    const v = s.getBoundingClientRect();\n"
	"    s.querySelectorAll('text').forEach((t) => {\n"
	"      const b = t.getBoundingClientRect();\n"
	"      texts++;\n"
	"      if (b.left < v.left - 0.5 || b.top < v.top - 0.5 || b.right > v.right + 0.5 || b.bottom > v.bottom + 0.5)\n"
	"        clipped++;\n"
	"    });\n"
	"    s.querySelectorAll('g.plot').forEach((g) => {\n"
	"      const r = [...g.querySelectorAll('text.label')].map((t) => t.getBoundingClientRect());\n"
	"      for (let i = 0; i < r.length; i++)\n"
	"        for (let k = i + 1; k < r.length; k++)\n"
	"          if (r[i].left < r[k].right && r[k].left < r[i].right && r[i].top < r[k].bottom - 1 && r[k].top < r[i].bottom - 1)\n"
	"            overlaps++;\n"
	"    });\n"
	"  });\n"
	"  document.getElementById('result').textContent = 'charts=' + svgs.length + ' texts=' + texts\n"
	"      + ' clipped=' + clipped + ' overlaps=' + overlaps;\n"
	"};\n"
	"</script></body></html>\n";

static void layout(const char *results, int charts_wanted)
{
	char *dir = cl_test_temp_dir(), *out = NULL, path[512];
	int charts = -1, texts = 0, clipped = -1, overlaps = -1;
	const char *p = NULL;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(cl_test_sh(&out, "'%s' report '%s' --html '%s/page.html'", BIN, results, dir), 0);
	free(out);
	out = NULL;
	snprintf(path, sizeof path, "%s/layout.html", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(layout_page, f);
	fclose(f);
	/* a browser's first start on a machine can outlast the budget: again */
	for (int attempt = 0; attempt < 3 && (!p || strstr(p, "pending")); attempt++) {
		free(out);
		CU_ASSERT_EQUAL(cl_test_sh(&out, "timeout 120 chromium --headless --no-sandbox --disable-gpu "
					   "--no-first-run --disable-background-networking --disable-component-update "
					   "--user-data-dir='%s/profile' --allow-file-access-from-files "
					   "--virtual-time-budget=10000 --dump-dom 'file://%s' 2>/dev/null", dir, path), 0);
		p = out ? strstr(out, "<p id=\"result\">") : NULL;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	p += strlen("<p id=\"result\">");
	printf("\n    chromium: %.*s\n", (int)strcspn(p, "<"), p);
	CU_ASSERT_EQUAL(sscanf(p, "charts=%d texts=%d clipped=%d overlaps=%d", &charts, &texts, &clipped,
			       &overlaps), 4);
	CU_ASSERT_EQUAL(charts, charts_wanted);
	CU_ASSERT(texts > 50);
	CU_ASSERT_EQUAL(clipped, 0);
	CU_ASSERT_EQUAL(overlaps, 0);
	free(out);
	cl_test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}

static void test_layout_in_chromium(void)
{
	char *path = make_results(true);

	CU_ASSERT_EQUAL_FATAL(cl_test_sh(NULL, "command -v chromium >/dev/null"), 0);
	layout(path, 4); /* ops/s, the sweep, fairness, the timeline; the counter in words */
	layout(SEED, 2); /* wall time, the counter */
	unlink(path);
	free(path);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "the palette's colours are far apart (CIE76)", test_palette_apart },
		{ "SI ticks: 100k-300k, never 0.0001 G", test_si_ticks },
		{ "names at line ends are moved apart", test_nudge },
		{ "sweep: at most 8 lines a plot, a plugin's own sweep beside the others, partial cells hollow",
		  test_sweep_small_multiples },
		{ "bars: ops/s for timed cells, partial cells hatched with k/n ok", test_bars_ops_hatched },
		{ "timeline: small multiples; without samples an error and no file", test_timeline },
		{ "HTML: the machine as a table, the summary as prose, the counter in a line", test_html_machine_and_prose },
		{ "in Chromium: no text outside a chart, no names on each other", test_layout_in_chromium },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("charts", tests);
}
