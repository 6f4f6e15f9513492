/* One results model, every view: the terminal table, Markdown, HTML, CSV,
 * JSON and the seed table show the same medians, cores and counters, each
 * checked against figures computed here from the raw JSON; and a results
 * file far larger than any shipped config renders in every format with
 * nothing dropped. */
#define _GNU_SOURCE
#include "testlib.h"

#include "format.h"
#include "interference.h"
#include "views.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEED_RESULTS CL_TEST_SOURCE_DIR "/tests/fixtures/results/seed-table.json"

/* The median of a trial field over the measured ok trials, from the JSON
 * itself: the independent figure every view must show. */
static double raw_median(const json_t *cell, const char *field, const char *sub)
{
	const json_t *t;
	size_t i, n = 0;
	double *v = calloc(json_array_size(json_object_get(cell, "trials")) + 1, sizeof *v), m;

	json_array_foreach(json_object_get(cell, "trials"), i, t) {
		const json_t *f = json_object_get(t, field);

		if (json_is_true(json_object_get(t, "warmup")) ||
		    strcmp(json_string_value(json_object_get(t, "status")), "ok"))
			continue;
		v[n++] = json_number_value(sub ? json_object_get(f, sub) : f);
	}
	qsort(v, n, sizeof *v, cl_test_cmp_double);
	m = n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	free(v);
	return m;
}

static void table(FILE *f, const struct cl_results *r)
{
	struct cl_table_opts wide = { .wide = true };

	cl_view_table(f, r, &wide);
}

static void html(FILE *f, const struct cl_results *r)
{
	cl_view_html(f, r, true);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	if (getdelim(&buf, &len, 0, f) < 0) {
		free(buf);
		buf = strdup("");
	}
	fclose(f);
	return buf;
}

static void test_views_agree(void)
{
	struct cl_results r, back;
	json_t *raw = json_load_file(SEED_RESULTS, 0, NULL), *c, *rt;
	char err[512], *tab, *md, *page, *csv, *json_path = cl_test_write_file(".json", "");
	char *csv_path = cl_test_write_file(".csv", "");
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, SEED_RESULTS, err, sizeof err), 0);
	tab = cl_view_text(table, &r);
	md = cl_view_text(cl_view_markdown, &r);
	page = cl_view_text(html, &r);
	CU_ASSERT_EQUAL(cl_results_write_csv(csv_path, &r, err, sizeof err), 0);
	CU_ASSERT_EQUAL(cl_results_write_json(json_path, &r, err, sizeof err), 0);
	csv = read_file(csv_path);
	rt = json_load_file(json_path, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_EQUAL(cl_results_load(&back, json_path, err, sizeof err), 0);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(raw, "cells")), r.ncells);
	json_array_foreach(json_object_get(raw, "cells"), i, c) {
		const char *label = json_string_value(json_object_get(c, "label"));
		double wall = raw_median(c, "wall_ns", NULL), cores = raw_median(c, "cores", NULL);
		double lost = raw_median(c, "counter", "lost");
		double expected = json_number_value(json_object_get(json_object_get(
			json_array_get(json_object_get(c, "trials"), 0), "counter"), "expected"));
		char med[32], want[160], counter[96], *line;

		cl_format_ns(llround(wall), med, sizeof med);
		if (expected == 0)
			snprintf(counter, sizeof counter, "-");
		else if (lost == 0)
			snprintf(counter, sizeof counter, "exact %.0f", expected);
		else
			snprintf(counter, sizeof counter, "lost %.0f of %.0f", lost, expected);
		/* the model itself */
		CU_ASSERT_STRING_EQUAL(r.cells[i].label, label);
		CU_ASSERT_DOUBLE_EQUAL(r.cells[i].summary.wall.median, wall, 0.5);
		CU_ASSERT_DOUBLE_EQUAL(r.cells[i].summary.cores, cores, 1e-9);
		/* the terminal table */
		snprintf(want, sizeof want, "%s ", label);
		line = cl_test_line_starting(tab, want);
		cl_test_expect_in("table", line, med);
		snprintf(want, sizeof want, "  %5.2f  ", cores);
		cl_test_expect_in("table", line, want);
		cl_test_expect_in("table", line, counter);
		free(line);
		/* Markdown */
		snprintf(want, sizeof want, "| %s |", label);
		line = cl_test_line_starting(md, want);
		snprintf(want, sizeof want, "| %s |", med);
		cl_test_expect_in("markdown", line, want);
		snprintf(want, sizeof want, "| %.2f |", cores);
		cl_test_expect_in("markdown", line, want);
		snprintf(want, sizeof want, "| %s |", counter);
		cl_test_expect_in("markdown", line, want);
		free(line);
		/* HTML */
		snprintf(want, sizeof want, "<tr><td>%s</td>", label);
		line = cl_test_line_starting(page, want);
		snprintf(want, sizeof want, "<td>%s</td>", med);
		cl_test_expect_in("html", line, want);
		snprintf(want, sizeof want, "<td>%.2f</td>", cores);
		cl_test_expect_in("html", line, want);
		snprintf(want, sizeof want, "<td>%s</td>", counter);
		cl_test_expect_in("html", line, want);
		free(line);
		/* CSV: every trial, with its wall time */
		snprintf(want, sizeof want, "\"seed-table\",\"%s\",", label);
		line = cl_test_line_starting(strstr(csv, "\n") + 1, want);
		CU_ASSERT_PTR_NOT_NULL(line);
		free(line);
		/* the JSON written back: the same summary, and it loads the same */
		const json_t *s = json_object_get(json_array_get(json_object_get(rt, "cells"), i), "summary");

		CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(s, "wall_ns"), "median")),
				llround(wall));
		CU_ASSERT_DOUBLE_EQUAL(json_number_value(json_object_get(s, "cores")), cores, 1e-9);
		CU_ASSERT_EQUAL(json_integer_value(json_object_get(s, "lost_median")), llround(lost));
		CU_ASSERT_DOUBLE_EQUAL(back.cells[i].summary.wall.median, wall, 0.5);
		CU_ASSERT_DOUBLE_EQUAL(back.cells[i].summary.speedup, r.cells[i].summary.speedup, 1e-12);
	}
	/* the seed table's CPU row: the same cores, to its one decimal */
	{
		char *buf = NULL, want[64];
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		const json_t *cpu = NULL;

		json_array_foreach(json_object_get(raw, "cells"), i, c)
			if (!strcmp(json_string_value(json_object_get(c, "label")), "cpu: async+none"))
				cpu = c;
		CU_ASSERT_EQUAL(cl_view_seed_table(f, &r, false, err, sizeof err), 0);
		fclose(f);
		snprintf(want, sizeof want, "| %.1f core", raw_median(cpu, "cores", NULL));
		CU_ASSERT_PTR_NOT_NULL(strstr(buf, want));
		free(buf);
	}
	/* CSV: one header and one row per trial */
	size_t rows = 0, trials = 0;

	for (const char *p = csv; *p; p++)
		rows += *p == '\n';
	for (size_t k = 0; k < r.ncells; k++)
		trials += r.cells[k].ntrials;
	CU_ASSERT_EQUAL(rows, trials + 1);
	unlink(json_path);
	unlink(csv_path);
	free(json_path);
	free(csv_path);
	free(tab);
	free(md);
	free(page);
	free(csv);
	json_decref(raw);
	json_decref(rt);
	cl_results_free(&r);
	cl_results_free(&back);
}

/* 100 cells, each with its own sync (more than any palette or old cap), a
 * two-key sweep, and 5,000 trials: cell 0 alone has 1,100. */
static char *large_results(void)
{
	json_t *root = json_object(), *cells = json_array();
	char *path = cl_test_write_file(".json", "");
	size_t total = 0;

	json_object_set_new(root, "schema", json_string(CL_RESULTS_SCHEMA));
	json_object_set_new(root, "experiment", json_pack("{ss sI sI sf}", "name", "large", "repeat",
							   (json_int_t)50, "warmup", (json_int_t)0,
							   "timeout_s", 10.0));
	for (int i = 0; i < 100; i++) {
		int tasks = 1 << (i % 5), workers = 1 + i / 5 % 4;
		int ntrials = i == 0 ? 1100 : i == 99 ? 78 : 39;
		char label[96], sync[16];
		json_t *trials = json_array();

		snprintf(sync, sizeof sync, "s%02d", i);
		snprintf(label, sizeof label, "threads+%s tasks=%d threads.workers=%d", sync, tasks, workers);
		for (int t = 0; t < ntrials; t++)
			json_array_append_new(trials, json_pack(
				"{ss sb sI sf s{sI sI} s{sI sI sI sb}}", "status", "ok", "warmup", 0,
				"wall_ns", (json_int_t)(i == 0 ? 1000 * (t + 1) : 1000000 * (i + 1) + t),
				"cores", 1.0, "latency_ns", "p50", (json_int_t)1, "p99", (json_int_t)2,
				"counter", "expected", (json_int_t)0, "actual", (json_int_t)0, "lost",
				(json_int_t)0, "inexact", 0));
		total += (size_t)ntrials;
		json_array_append_new(cells, json_pack(
			"{ss ss ss s{sI sI} s{sI sI} ss so}", "label", label, "strategy", "threads",
			"sync", sync, "params", "tasks", (json_int_t)tasks, "threads.workers",
			(json_int_t)workers, "sweep", "tasks", (json_int_t)tasks, "threads.workers",
			(json_int_t)workers, "baseline", "threads+s00 tasks=1 threads.workers=1",
			"trials", trials));
	}
	CU_ASSERT_EQUAL(total, 5000);
	json_object_set_new(root, "cells", cells);
	CU_ASSERT_EQUAL(json_dump_file(root, path, 0), 0);
	json_decref(root);
	return path;
}

static void test_large_results(void)
{
	char *path = large_results(), *csv_path = cl_test_write_file(".csv", ""), err[512];
	char *tab, *md, *bars, *sweep = NULL, *page, *csv, want[160];
	struct cl_results r;
	size_t len = 0;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, path, err, sizeof err), 0);
	CU_ASSERT_EQUAL(r.ncells, 100);
	/* all 1,100 trials of cell 0 count: median of 1..1100 us is 550.5 us */
	CU_ASSERT_EQUAL(r.cells[0].summary.ok, 1100);
	CU_ASSERT_DOUBLE_EQUAL(r.cells[0].summary.wall.median, 550500, 1e-6);
	tab = cl_view_text(table, &r);
	md = cl_view_text(cl_view_markdown, &r);
	bars = cl_view_text(cl_view_bars_svg, &r);
	page = cl_view_text(html, &r);
	f = open_memstream(&sweep, &len);
	CU_ASSERT_EQUAL(cl_view_sweep_svg(f, &r), 0);
	fclose(f);
	CU_ASSERT_EQUAL(cl_results_write_csv(csv_path, &r, err, sizeof err), 0);
	csv = read_file(csv_path);
	{
		char *row = cl_test_line_starting(tab, r.cells[0].label);

		cl_test_expect_in("table", row, " 1100/1100 ");
		cl_test_expect_in("table", row, " 550.5 us ");
		free(row);
	}
	for (size_t i = 0; i < r.ncells; i++) {
		const char *label = r.cells[i].label;

		snprintf(want, sizeof want, "%s ", label);
		CU_ASSERT_PTR_NOT_NULL(strstr(tab, want));
		snprintf(want, sizeof want, "| %s |", label);
		CU_ASSERT_PTR_NOT_NULL(strstr(md, want));
		snprintf(want, sizeof want, "<title>%s: median", label);
		CU_ASSERT_EQUAL(cl_test_count(bars, want), 1);
		CU_ASSERT_EQUAL(cl_test_count(page, want), 1);
		/* the sync's legend entry, and the family's line in the sweep chart */
		snprintf(want, sizeof want, ">%s</text>", r.cells[i].sync);
		CU_ASSERT_EQUAL(cl_test_count(bars, want), 1);
		snprintf(want, sizeof want, ">threads+%s</text>", r.cells[i].sync);
		CU_ASSERT_EQUAL(cl_test_count(sweep, want), 1); /* its line, in the legend */
		snprintf(want, sizeof want, ">threads.workers=%d ", 1 + (int)i / 5 % 4);
		CU_ASSERT_EQUAL(cl_test_count(sweep, want), 1); /* its panel, on a log2 x axis of tasks */
	}
	CU_ASSERT_EQUAL(cl_test_count(md, "\n| threads+s"), 100);
	CU_ASSERT_EQUAL(cl_test_count(csv, "\n"), 5001);
	/* every chart is well-formed and its legend stays inside it */
	{
		char *svg_path = cl_test_write_file(".svg", sweep), *out;

		CU_ASSERT_EQUAL(cl_test_sh(&out, "xmllint --noout '%s'", svg_path), 0);
		free(out);
		unlink(svg_path);
		free(svg_path);
	}
	unlink(path);
	unlink(csv_path);
	free(path);
	free(csv_path);
	free(tab);
	free(md);
	free(bars);
	free(sweep);
	free(page);
	free(csv);
	cl_results_free(&r);
}

/* The table in an 80-column terminal: the default columns that fit, every
 * row within 80, the wall time and the counter (the race finding) kept;
 * piped, the whole default set; and a summary a person reads first. */
static void test_table_fits_and_sums_up(void)
{
	struct cl_results r;
	struct cl_table_opts narrow = { .width = 80 }, piped = { 0 };
	char err[512], *buf = NULL, *row;
	size_t len = 0;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, SEED_RESULTS, err, sizeof err), 0);
	f = open_memstream(&buf, &len);
	cl_view_table(f, &r, &narrow);
	fclose(f);
	/* the rows: from the heading to the first blank line */
	const char *at = strstr(buf, "\ncell "), *end = strstr(at + 1, "\n\n");

	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	for (const char *l = at + 1; l < end; l = strchr(l, '\n') + 1) {
		if (strcspn(l, "\n") > 80)
			fprintf(stderr, "\nwider than 80: %.*s\n", (int)strcspn(l, "\n"), l);
		CU_ASSERT(strcspn(l, "\n") <= 80);
	}
	row = cl_test_line_starting(at + 1, "race: threads+none ");
	cl_test_expect_in("narrow", row, "lost 957526 of 2000000");
	free(row);
	row = cl_test_line_starting(at + 1, "cell ");
	cl_test_expect_in("narrow", row, " wall ");
	cl_test_expect_in("narrow", row, " counter");
	free(row);
	/* the summary: each workload's fastest cell against its baseline */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nsummary\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "  io: async+none ran 2.00 (2.00-2.00) times faster than io: serial+none\n"));

	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "  without a lock, race: threads+none lost 47.9%, race: processes+none "
					   "lost 48.0%\n    of the updates (medians); every other sync kept them "
					   "all\n"));
	/* and the prose around the table keeps to the width too */
	for (const char *l = buf; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0))
		CU_ASSERT(strcspn(l, "\n") <= 80);
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	cl_view_table(f, &r, &piped);
	fclose(f);
	row = cl_test_line_starting(strstr(buf, "\ncell ") + 1, "cell ");
	cl_test_expect_in("piped", row, "rss MB");
	cl_test_expect_in("piped", row, "notes");
	free(row);
	free(buf);
	cl_results_free(&r);
}

/* A trial measured while the hypervisor took CPU, or while other work kept
 * every CPU busy, is marked; its cell says how many of its trials were. */
static void test_interference_marked(void)
{
	struct clrun_machine_sample a = { .busy = 1000, .steal = 0, .total = 2000, .running = 1, .ok = true };
	struct clrun_machine_sample b = a;
	struct cl_trial_result t = { 0 };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct cl_results r;
	char err[512], *buf = NULL;
	size_t len = 0;
	FILE *f;

	b.busy += 900, b.steal += 100, b.total += 1000; /* 10% stolen */
	clrun_judge_interference(&a, &b, &t);
	CU_ASSERT_DOUBLE_EQUAL(t.steal_pct, 10.0, 1e-9);
	CU_ASSERT_TRUE(t.interfered);
	b.steal = a.steal + 40, b.total = a.total + 1000; /* 4%: within */
	clrun_judge_interference(&a, &b, &t);
	CU_ASSERT_FALSE(t.interfered);
	a.running = (int)cpus + 1; /* every CPU busy with others at the start only */
	clrun_judge_interference(&a, &b, &t);
	CU_ASSERT_FALSE(t.interfered);
	b.running = (int)cpus + 1; /* and at the end */
	clrun_judge_interference(&a, &b, &t);
	CU_ASSERT_EQUAL(t.others_running, cpus);
	CU_ASSERT_TRUE(t.interfered);
	/* two of io: serial+none's three trials interfered: the cell says so */
	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, SEED_RESULTS, err, sizeof err), 0);
	r.cells[0].trials[0].interfered = r.cells[0].trials[2].interfered = true;
	cl_results_summarize(&r);
	CU_ASSERT_EQUAL(r.cells[0].summary.interfered, 2);
	f = open_memstream(&buf, &len);
	cl_view_table(f, &r, &(struct cl_table_opts){ 0 });
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "interference in 2/3 (most: not a fair figure)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\ninterference: the marked cell had"));
	free(buf);
	cl_results_free(&r);
}

/* The counter column is the cell's, never one trial's: trials that expected
 * different counts (a timed cell) show the median and how many were exact;
 * some lost, some not: both said. */
static void test_counter_is_the_cells(void)
{
	struct cl_results r;
	struct cl_results_cell *c = NULL;
	char err[512], text[96];

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, SEED_RESULTS, err, sizeof err), 0);
	for (size_t i = 0; i < r.ncells && !c; i++)
		if (r.cells[i].summary.ok == 3 && r.cells[i].summary.counter_expected &&
		    r.cells[i].ntrials == 3)
			c = &r.cells[i];
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	for (size_t k = 0; k < 3; k++) { /* as a timed cell's: 10.8M, 8.8M, 16.6M, all exact */
		c->trials[k].counter_expected = c->trials[k].counter_actual = (uint64_t[]){ 10800000, 8800000,
											    16600000 }[k];
		c->trials[k].counter_lost = 0;
	}
	cl_results_summarize(&r);
	CU_ASSERT_EQUAL(c->summary.counter_expected, 10800000);
	CU_ASSERT_EQUAL(c->summary.counter_exact, 3);
	cl_view_counter(c, text, sizeof text);
	CU_ASSERT_STRING_EQUAL(text, "exact 3/3, median 10800000");
	c->trials[1].counter_actual -= 5; /* one of three lost 5: the median lost is 0 */
	c->trials[1].counter_lost = 5;
	cl_results_summarize(&r);
	cl_view_counter(c, text, sizeof text);
	CU_ASSERT_STRING_EQUAL(text, "exact 2/3, median 10800000");
	for (size_t k = 0; k < 3; k++) /* the same count, two lost: the median lost */
		c->trials[k].counter_expected = 1000, c->trials[k].counter_lost = k ? 10 * (int64_t)k : 0;
	cl_results_summarize(&r);
	cl_view_counter(c, text, sizeof text);
	CU_ASSERT_STRING_EQUAL(text, "lost 10 of 1000, exact 1/3");
	cl_results_free(&r);
}

/* A cell with failed trials is never the group's winner: it is named as
 * left out, with how many of its trials were ok. */
static void test_summary_no_partial_winner(void)
{
	struct cl_results r;
	char err[512], *buf;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, SEED_RESULTS, err, sizeof err), 0);
	/* as it is: async the fastest, threads and processes within 1% of it */
	buf = cl_view_text(cl_view_summary, &r);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "  io: async+none ran 2.00 (2.00-2.00) times faster than io: serial+none\n"
				   "    and, indistinguishable from it (within 1% or inside its interval): "
				   "io: threads+none and io: processes+none\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "    left out: race: threads+none (lost updates), race: processes+none "
				   "(lost updates)\n"));
	free(buf);
	for (size_t i = 0; i < r.ncells; i++)
		if (!strcmp(r.cells[i].label, "io: async+none")) { /* the fastest, now 2 of 3 ok */
			r.cells[i].trials[1].status = CL_STATUS_HUNG;
			r.cells[i].trials[1].wall_ns /= 10;
		}
	cl_results_summarize(&r);
	buf = cl_view_text(cl_view_summary, &r);
	CU_ASSERT_PTR_NULL(strstr(buf, "io: async+none ran"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "left out: io: async+none (2/3 trials ok)"));
	free(buf);
	cl_results_free(&r);
}

/* cv means one thing in every view: a timed cell's is its ops/s's (its
 * wall is its duration), 10.0% here, in the table, Markdown and HTML. */
static void test_cv_one_meaning(void)
{
	struct cl_results r;
	struct cl_results_cell *c;
	char err[512], *md, *page, *tab, *row;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, SEED_RESULTS, err, sizeof err), 0);
	c = &r.cells[0];
	CU_ASSERT_EQUAL_FATAL(c->ntrials, 3);
	for (size_t k = 0; k < 3; k++) {
		c->trials[k].timed = true;
		c->trials[k].ops_per_s = (double[]){ 100e6, 110e6, 90e6 }[k]; /* mean 100M, sd 10M */
		c->trials[k].wall_ns = 300000000;
	}
	cl_results_summarize(&r);
	CU_ASSERT_DOUBLE_EQUAL(cl_view_cv(c), 0.10, 1e-12);
	md = cl_view_text(cl_view_markdown, &r);
	page = cl_view_text(html, &r);
	tab = cl_view_text(table, &r);
	row = cl_test_line_starting(md, "| io: serial+none ");
	cl_test_expect_in("markdown", row, "| 10.0% |");
	free(row);
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "<td>10.0%</td>"));
	row = cl_test_line_starting(tab, "io: serial+none ");
	cl_test_expect_in("table", row, " 10.0% ");
	free(row);
	free(md);
	free(page);
	free(tab);
	cl_results_free(&r);
}

/* A trial whose loopback server was busy half a CPU or more is server-bound;
 * its cell says how many of its trials were, and a paragraph what it means. */
static void test_server_bound_marked(void)
{
	struct cl_results r;
	char err[512], *buf = NULL;
	size_t len = 0;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, SEED_RESULTS, err, sizeof err), 0);
	r.cells[0].trials[1].has_server = true;
	r.cells[0].trials[1].server_bound = true;
	cl_results_summarize(&r);
	CU_ASSERT_EQUAL(r.cells[0].summary.server_bound, 1);
	f = open_memstream(&buf, &len);
	cl_view_table(f, &r, &(struct cl_table_opts){ 0 });
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "server-bound in 1/3"));
	CU_ASSERT_PTR_NULL(strstr(buf, "server-bound in 1/3 (most"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nserver-bound: in the marked cell "));
	free(buf);
	cl_results_free(&r);
}

#define HOSTILE_RESULTS CL_TEST_SOURCE_DIR "/tests/fixtures/results/hostile.json"

/* One CSV field at *p (RFC 4180), unquoted into `field`; *p moves past it
 * and its separator. Whether it was quoted in *quoted. */
static void csv_field(const char **p, char *field, size_t len, bool *quoted)
{
	size_t n = 0;

	*quoted = **p == '"';
	if (*quoted) {
		for ((*p)++; **p && !(**p == '"' && (*p)[1] != '"'); (*p)++) {
			if (**p == '"')
				(*p)++;
			if (n + 1 < len)
				field[n++] = **p;
		}
		if (**p == '"')
			(*p)++;
	} else {
		for (; **p && **p != ',' && **p != '\n'; (*p)++)
			if (n + 1 < len)
				field[n++] = **p;
	}
	field[n] = 0;
	if (**p == ',')
		(*p)++;
}

/* Every text cell of the CSV of a file whose every string starts with a
 * formula (= + - @, tab, CR) and holds quotes, separators and control
 * characters: each quoted, a spreadsheet shows it as text (a leading '),
 * none has a control character, and every row keeps its 43 columns; the
 * numbers conclab writes stay numbers, -5 included. */
static void test_csv_cells_neutralised(void)
{
	char *csv_path = cl_test_write_file(".csv", ""), err[512], *csv, field[16384];
	struct cl_results r;
	size_t rows = 0, text = 0, negative = 0;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, HOSTILE_RESULTS, err, sizeof err), 0);
	CU_ASSERT_EQUAL_FATAL(cl_results_write_csv(csv_path, &r, err, sizeof err), 0);
	csv = read_file(csv_path);
	for (const char *p = strchr(csv, '\n') + 1; *p; p++, rows++) {
		int columns = 0;
		bool quoted;

		for (; *p && *p != '\n'; columns++) {
			csv_field(&p, field, sizeof field, &quoted);
			for (const char *c = field; *c; c++)
				CU_ASSERT((unsigned char)*c >= 0x20 && *c != 0x7f);
			CU_ASSERT_PTR_NULL(strstr(field, "\xc2\x85"));     /* C1: NEL */
			CU_ASSERT_PTR_NULL(strstr(field, "\xe2\x80\xae")); /* a bidi override */
			if (quoted && *field) {
				text++;
				CU_ASSERT_PTR_NULL(strchr("=+-@\t\r", *field));
				if (strchr("=+-@\t\r", *field))
					fprintf(stderr, "\na formula cell: %.60s\n", field);
			} else if (*field) { /* a number, or the status */
				CU_ASSERT(strspn(field, "-0123456789.") == strlen(field) ||
					  !strcmp(field, "ok") || !strcmp(field, "error"));
				negative += !strcmp(field, "-5");
			}
		}
		columns += p[-1] == ','; /* an empty last field */
		CU_ASSERT_EQUAL(columns, 43); /* 40, and the server's three of conclab 0.6 */
	}
	CU_ASSERT_EQUAL(rows, 19); /* 6 cells x 3 trials, and a failed one */
	CU_ASSERT_EQUAL(text, rows * 4 + 1); /* experiment, cell, strategy, sync; a message */
	CU_ASSERT_EQUAL(negative, 1);
	/* neutralised, not dropped: each formula shown after its ' */
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\"'=cmd|' /C calc'!A0 <img"));
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\"'@SUM(1) <img"));
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\"'-1 <img"));
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\"'+1 <img"));
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\"\"quoted\"\""));
	unlink(csv_path);
	free(csv_path);
	free(csv);
	cl_results_free(&r);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "every view shows the model's figures, checked from the raw JSON", test_views_agree },
		{ "5,000 trials, 100 cells, 100 syncs, a two-key sweep: nothing dropped", test_large_results },
		{ "the table fits 80 columns and ends with a summary", test_table_fits_and_sums_up },
		{ "trials under interference are marked, and their cells say so", test_interference_marked },
		{ "a trial whose server was busy: server-bound, marked", test_server_bound_marked },
		{ "the counter column is the cell's median, and says how many were exact", test_counter_is_the_cells },
		{ "cv means one thing in every view: ops/s's for a timed cell", test_cv_one_meaning },
		{ "the summary crowns no cell with failed trials, and names it", test_summary_no_partial_winner },
		{ "CSV: formula cells neutralised, control characters gone, numbers kept",
		  test_csv_cells_neutralised },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("views", tests);
}
