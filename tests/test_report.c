/* Numbers a reader trusts: statistics on fixed samples against values worked
 * out by hand, compare's matching and verdicts on synthetic results files,
 * and the reports made from a real results file (tests/fixtures/results). */
#define _GNU_SOURCE
#include "testlib.h"

#include "compare.h"
#include "views.h"
#include "stats.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BIN          CL_TEST_CONCLAB
#define SEED_RESULTS CL_TEST_SOURCE_DIR "/tests/fixtures/results/seed-table.json"
#define NEAR(a, b)   CU_ASSERT_DOUBLE_EQUAL((a), (b), 1e-4)

static void test_summary(void)
{
	const double x[] = { 7, 3, 10, 1, 5, 9, 2, 8, 4, 6 };
	struct cl_stats s;

	cl_stats_of(x, 10, &s);
	CU_ASSERT_EQUAL(s.n, 10);
	NEAR(s.median, 5.5);
	NEAR(s.mean, 5.5);
	NEAR(s.stddev, sqrt(82.5 / 9)); /* sum of squares about 5.5 is 82.5 */
	NEAR(s.cv, sqrt(82.5 / 9) / 5.5);
	NEAR(s.min, 1);
	NEAR(s.max, 10);
	NEAR(s.q1, 3.25); /* position 0.25 * 9 = 2.25 between 3 and 4 */
	NEAR(s.q3, 7.75);
	CU_ASSERT_EQUAL(s.outliers, 0);

	/* odd n, the input left as it was */
	const double y[] = { 3, 1, 2 };

	cl_stats_of(y, 3, &s);
	NEAR(s.median, 2);
	NEAR(y[0], 3);
	cl_stats_of(NULL, 0, &s);
	CU_ASSERT_EQUAL(s.n, 0);
	NEAR(s.median, 0);
}

static void test_median_interval(void)
{
	const double ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	const double five[] = { 10, 20, 30, 40, 50 };
	struct cl_stats s;

	/* n = 10: ranks 2 and 9 cover the median with 1 - 2 * (1 + 10) / 1024 */
	cl_stats_of(ten, 10, &s);
	NEAR(s.ci_lo, 2);
	NEAR(s.ci_hi, 9);
	NEAR(s.ci_level, 1002.0 / 1024);
	/* n = 5: nothing narrower than min-max reaches 95%; it covers 30/32 */
	cl_stats_of(five, 5, &s);
	NEAR(s.ci_lo, 10);
	NEAR(s.ci_hi, 50);
	NEAR(s.ci_level, 30.0 / 32);
}

static void test_outliers(void)
{
	const double x[] = { 1, 2, 3, 4, 100 };
	struct cl_stats s;

	/* q1 = 2, q3 = 4: fences at -1 and 7 */
	cl_stats_of(x, 5, &s);
	CU_ASSERT_EQUAL(s.outliers, 1);
	CU_ASSERT_TRUE(cl_stats_outlier(&s, 100));
	CU_ASSERT_TRUE(cl_stats_outlier(&s, 7.5));
	CU_ASSERT_FALSE(cl_stats_outlier(&s, 7));
	CU_ASSERT_FALSE(cl_stats_outlier(&s, 1));
}

static void test_mann_whitney(void)
{
	const double a3[] = { 1, 2, 3 }, b3[] = { 4, 5, 6 };
	const double a4[] = { 1, 2, 3, 4 }, b4[] = { 5, 6, 7, 8 };
	const double ta[] = { 1, 1, 2 }, tb[] = { 2, 3, 3 };
	const double same[] = { 1, 3, 5, 7 }, other[] = { 2, 4, 6, 8 };
	double u;

	/* exact: the one most extreme ordering of 20 each way */
	NEAR(cl_mann_whitney(a3, 3, b3, 3, &u), 2.0 / 20);
	NEAR(u, 0);
	NEAR(cl_mann_whitney(b3, 3, a3, 3, &u), 2.0 / 20);
	NEAR(u, 9);
	/* 2 of the 70 orderings of 4 + 4 */
	NEAR(cl_mann_whitney(a4, 4, b4, 4, &u), 2.0 / 70);
	/* interleaved: U = 6 of 16; exact p = 2 * P(U <= 6) = 2 * 24 / 70 */
	NEAR(cl_mann_whitney(same, 4, other, 4, &u), 48.0 / 70);
	NEAR(u, 6);
	/* ties: U = 0.5; normal with tie correction: var = 9/12 * (7 - 18/30) = 4.8,
	 * z = (4 - 0.5) / sqrt(4.8), p = erfc(z / sqrt 2) */
	NEAR(cl_mann_whitney(ta, 3, tb, 3, &u), erfc(3.5 / sqrt(4.8) / sqrt(2)));
	NEAR(u, 0.5);
	NEAR(cl_mann_whitney(ta, 0, tb, 3, &u), 1.0);
}

/* A results file of one cell per (strategy, sync, walls...) given. */
static char *results_file(const char *schema, const char *const *cells, const double walls[][6])
{
	json_t *root = json_object(), *arr = json_array();
	char *path = cl_test_write_file(".json", "");

	json_object_set_new(root, "schema", json_string(schema));
	json_object_set_new(root, "experiment", json_pack("{ss sI sI}", "name", "synthetic", "repeat",
							   (json_int_t)6, "warmup", (json_int_t)0));
	for (size_t i = 0; cells[i]; i++) {
		json_t *c = json_object(), *trials = json_array();
		char label[64];
		char strategy[32], sync[32];

		sscanf(cells[i], "%31[^+]+%31s", strategy, sync);
		snprintf(label, sizeof label, "%s+%s", strategy, sync);
		json_object_set_new(c, "label", json_string(label));
		json_object_set_new(c, "strategy", json_string(strategy));
		json_object_set_new(c, "sync", json_string(sync));
		json_object_set_new(c, "params", json_object());
		for (size_t t = 0; t < 6 && walls[i][t] > 0; t++)
			json_array_append_new(trials, json_pack("{s:s, s:b, s:I, s:{}, s:{}}", "status", "ok",
								 "warmup", 0, "wall_ns", (json_int_t)walls[i][t],
								 "latency_ns", "counter"));
		json_object_set_new(c, "trials", trials);
		json_array_append_new(arr, c);
	}
	json_object_set_new(root, "cells", arr);
	CU_ASSERT_EQUAL(json_dump_file(root, path, 0), 0);
	json_decref(root);
	return path;
}

static void test_compare_verdicts(void)
{
	const char *old_cells[] = { "threads+mutex", "threads+spin", "serial+none", "threads+atomic", NULL };
	const char *new_cells[] = { "threads+mutex", "threads+spin", "async+none", "threads+atomic", NULL };
	/* no ties, so the U test is exact */
	const double old_walls[][6] = { { 100, 101, 99, 102, 98, 97 }, { 50, 52, 48, 51, 49, 53 },
					{ 10, 10, 10, 10, 10, 10 }, { 100, 101, 99, 102, 98, 97 } };
	/* mutex twice as slow; spin the same figures shuffled */
	/* atomic 6% slower in every trial: significant, but below the threshold */
	const double new_walls[][6] = { { 200, 202, 198, 204, 196, 194 }, { 51, 49, 50, 48, 53, 52 },
					{ 10, 10, 10, 10, 10, 10 }, { 105, 106, 104, 107, 103, 108 } };
	char *old = results_file("conclab-results/1", old_cells, old_walls);
	char *new = results_file("conclab-results/1", new_cells, new_walls);
	char err[512], *buf = NULL, *out;
	size_t len = 0;
	struct cl_results a, b;
	struct cl_compare_counts counts;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&a, old, err, sizeof err), 0);
	CU_ASSERT_EQUAL_FATAL(cl_results_load(&b, new, err, sizeof err), 0);
	cl_compare(f, "old", &a, "new", &b, NULL, &counts);
	fclose(f);
	CU_ASSERT_EQUAL(counts.matched, 3);
	CU_ASSERT_EQUAL(counts.slower, 1);
	CU_ASSERT_EQUAL(counts.faster, 0);
	CU_ASSERT_EQUAL(counts.only_old, 1);
	CU_ASSERT_EQUAL(counts.only_new, 1);
	/* exact U test, 6 + 6 completely separated: p = 2 / C(12, 6) = 0.00216 */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "threads+mutex       100 ns      199 ns    2.000x   0.00216  "
					   "SLOWER (significant)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "    1.000x         1  same (not significant)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "threads+atomic      100 ns      106 ns    1.060x   0.00216  "
					   "same (within the threshold)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "only in old:\n  serial+none"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "only in new:\n  async+none"));
	free(buf);

	/* the verb: 0 without the flag, 1 with it, and the other direction faster */
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' compare '%s' '%s'", BIN, old, new), 0);
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' compare '%s' '%s' --fail-on-regression", BIN, old, new), 1);
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' compare '%s' '%s' --threshold 2", BIN, old, new), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "1.060x   0.00216  SLOWER (significant)"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' compare '%s' '%s' --fail-on-regression", BIN, new, old), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "faster (significant)"));
	free(out);
	cl_results_free(&a);
	cl_results_free(&b);
	unlink(old);
	unlink(new);
	free(old);
	free(new);
}

/* Rewrite a results file's experiment (name, config) and the iterations of
 * its cells' workload spec. */
static void set_experiment(const char *path, const char *name, const char *config, int iterations)
{
	json_t *root = json_load_file(path, 0, NULL), *c;
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	json_object_set_new(root, "experiment", json_pack("{ss ss sI sI}", "name", name, "config", config,
							   "repeat", (json_int_t)3, "warmup", (json_int_t)0));
	json_array_foreach(json_object_get(root, "cells"), i, c)
		json_object_set_new(c, "spec", json_pack("{sI sI s[{ss sI}]}", "tasks", (json_int_t)2, "loop",
							  (json_int_t)1, "steps", "op", "compute",
							  "iterations", (json_int_t)iterations));
	CU_ASSERT_EQUAL(json_dump_file(root, path, 0), 0);
	json_decref(root);
}

/* The first `n` trials of every cell of the results file at `path` marked
 * as measured under interference, the rest not. */
static void mark_interfered(const char *path, size_t n)
{
	json_t *root = json_load_file(path, 0, NULL), *c, *t;
	size_t i, k;

	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	json_array_foreach(json_object_get(root, "cells"), i, c)
		json_array_foreach(json_object_get(c, "trials"), k, t)
			json_object_set_new(t, "interference", json_pack("{sf sI sb}", "steal_pct", 0.0,
									 "others_running", (json_int_t)0,
									 "interfered", k < n));
	CU_ASSERT_EQUAL(json_dump_file(root, path, 0), 0);
	json_decref(root);
}

/* compare judges only what it can: results of one experiment, cells of the
 * same whole workload, and trial counts that can reach alpha. */
static void test_compare_refuses_what_it_cannot_judge(void)
{
	const char *cells[] = { "threads+mutex", NULL };
	const double three[][6] = { { 100, 101, 99 } }, slow3[][6] = { { 200, 202, 198 } };
	const double four[][6] = { { 100, 101, 99, 102 } }, slow4[][6] = { { 200, 202, 198, 204 } };
	char *a = results_file("conclab-results/1", cells, three);
	char *b = results_file("conclab-results/1", cells, slow3);
	char *c = results_file("conclab-results/1", cells, four);
	char *d = results_file("conclab-results/1", cells, slow4);
	char *out;

	/* another experiment: refused, saying what differs; --force flags every row */
	set_experiment(a, "race", "name = \"race\";\nrepeat = 3;\n", 20000000);
	set_experiment(b, "io", "name = \"io\";\nrepeat = 3;\n", 20000000);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' compare '%s' '%s'", BIN, a, b), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "hold different experiments: experiment 'race' against 'io'"));
	CU_ASSERT_PTR_NULL(strstr(out, "verdict"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' compare '%s' '%s' --force", BIN, a, b), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "threads+mutex"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "[--force: different experiments]"));
	free(out);
	set_experiment(b, "race", "name = \"race\";\nrepeat = 5;\n", 20000000);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' compare '%s' '%s'", BIN, a, b), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "the configs differ from line 2: 'repeat = 3;' against 'repeat = 5;'"));
	free(out);
	/* the same experiment, 3 trials against 3: twice as slow, but no test can
	 * say so at p < 0.05 (the least p is 2 / C(6, 3) = 0.1): inconclusive */
	set_experiment(b, "race", "name = \"race\";\nrepeat = 3;\n", 20000000);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' compare '%s' '%s'", BIN, a, b), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "2.000x       0.1  inconclusive (n too small: at least 4 trials each)"));
	/* prose within 80 columns, piped too */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "inconclusive: 1 cell had too few trials for any difference to "
					   "reach p < 0.05\n  (with theirs, the smallest p the test can give is 0.1)"));
	CU_ASSERT_PTR_NULL(strstr(out, "same ("));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' compare '%s' '%s' --fail-on-regression", BIN, a, b), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "1 cell could not be judged"));
	free(out);
	/* 4 against 4 can: p = 2 / C(8, 4) = 0.0286 */
	set_experiment(c, "race", "name = \"race\";\nrepeat = 4;\n", 20000000);
	set_experiment(d, "race", "name = \"race\";\nrepeat = 4;\n", 20000000);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' compare '%s' '%s' --fail-on-regression", BIN, c, d), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "2.000x    0.0286  SLOWER (significant)"));
	CU_ASSERT_PTR_NULL(strstr(out, "inconclusive"));
	free(out);
	/* the same change with 3 of the old side's 4 trials under interference:
	 * unreliable, not slower, and a gate that cannot judge it fails */
	mark_interfered(c, 3);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' compare '%s' '%s'", BIN, c, d), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "2.000x    0.0286  unreliable: interference in 3/4 (old)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nunreliable: 1 cell changed significantly"));
	CU_ASSERT_PTR_NULL(strstr(out, "SLOWER"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' compare '%s' '%s' --fail-on-regression", BIN, c, d), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "1 cell could not be judged (unreliable: interference or noise)"));
	free(out);
	/* one of four: the change stands */
	mark_interfered(c, 1);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' compare '%s' '%s'", BIN, c, d), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "SLOWER (significant)"));
	free(out);
	/* the whole workload is part of the match: 20M iterations are not 40M */
	set_experiment(d, "race", "name = \"race\";\nrepeat = 4;\n", 40000000);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' compare '%s' '%s'", BIN, c, d), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "only in"));
	CU_ASSERT_PTR_NULL(strstr(out, "SLOWER"));
	free(out);
	/* the numbers behind it */
	CU_ASSERT_DOUBLE_EQUAL(cl_min_p(3, 3), 0.1, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(cl_min_p(4, 4), 2.0 / 70, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(cl_min_p(1, 1), 1.0, 1e-12);
	CU_ASSERT_EQUAL(cl_trials_for(0.05), 4);
	CU_ASSERT_EQUAL(cl_trials_for(0.01), 5);
	cl_test_sh(NULL, "rm -f '%s' '%s' '%s' '%s'", a, b, c, d);
	free(a);
	free(b);
	free(c);
	free(d);
}

/* Rewrite one field of the first trial of the first cell (or, with
 * trial < 0, of the cell) and load the file: the load's error, or "". */
static void load_with(const char *path, const char *field, json_t *value, int trial, char *err,
		      size_t len)
{
	json_t *root = json_load_file(path, 0, NULL), *cell;
	char *copy = cl_test_write_file(".json", "");
	struct cl_results r;

	cell = json_array_get(json_object_get(root, "cells"), 0);
	json_object_set_new(trial < 0 ? cell : json_array_get(json_object_get(cell, "trials"),
							       (size_t)trial), field, value);
	CU_ASSERT_EQUAL(json_dump_file(root, copy, 0), 0);
	err[0] = 0;
	cl_results_load(&r, copy, err, len);
	cl_results_free(&r);
	json_decref(root);
	unlink(copy);
	free(copy);
}

/* What a results file says is checked before any view believes it. */
static void test_results_file_checked(void)
{
	const char *cells[] = { "serial+none", "threads+none", NULL };
	const double walls[][6] = { { 100, 101, 99, 102 }, { 50, 52, 48, 51 } };
	char *path = results_file("conclab-results/1", cells, walls), err[512], *out;

	load_with(path, "wall_ns", json_integer(-5), 0, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cell 'serial+none', trial 1: wall_ns is out of range (-5)"));
	load_with(path, "wall_ns", json_integer(INT64_MAX), 0, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "wall_ns is out of range"));
	load_with(path, "cores", json_real(-1e308), 0, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cores is out of range"));
	load_with(path, "baseline", json_string("nosuchcell"), -1, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cell 'serial+none' is measured against 'nosuchcell', which is "
					   "not a cell of this file"));
	load_with(path, "label", json_string("a|b <i>"), -1, err, sizeof err);
	CU_ASSERT_STRING_EQUAL(err, "");
	{ /* no experiment: refused */
		json_t *root = json_load_file(path, 0, NULL);
		char *copy = cl_test_write_file(".json", "");
		struct cl_results r;

		json_object_del(root, "experiment");
		json_dump_file(root, copy, 0);
		CU_ASSERT_EQUAL(cl_results_load(&r, copy, err, sizeof err), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "no \"experiment\" object"));
		cl_results_free(&r);
		json_decref(root);
		unlink(copy);
		free(copy);
	}
	{ /* Markdown escapes what would break its table; a baseline with no ok
	   * trial gives no speedup ("-", null), never 0.00x */
		json_t *root = json_load_file(path, 0, NULL), *t;
		json_t *c0 = json_array_get(json_object_get(root, "cells"), 0);
		char *copy = cl_test_write_file(".json", ""), *json = cl_test_write_file(".json", "");
		struct cl_results r;
		size_t i;

		json_object_set_new(json_array_get(json_object_get(root, "cells"), 1), "label",
				    json_string("a|b <i>"));
		json_array_foreach(json_object_get(c0, "trials"), i, t)
			json_object_set_new(t, "status", json_string("crashed"));
		json_object_set_new(json_array_get(json_object_get(root, "cells"), 1), "baseline",
				    json_string("serial+none"));
		json_dump_file(root, copy, 0);
		CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' report '%s'", BIN, copy), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "| a\\|b &lt;i&gt; | 4/4 |"));
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "| - | - |\n")); /* speedup, counter */
		CU_ASSERT_PTR_NULL(strstr(out, "0.00x"));
		free(out);
		CU_ASSERT_EQUAL(cl_results_load(&r, copy, err, sizeof err), 0);
		CU_ASSERT_EQUAL(r.cells[1].summary.speedup, 0);
		CU_ASSERT_EQUAL(cl_results_write_json(json, &r, err, sizeof err), 0);
		cl_results_free(&r);
		json_decref(root);
		root = json_load_file(json, 0, NULL);
		CU_ASSERT_TRUE(json_is_null(json_object_get(json_object_get(json_array_get(
			json_object_get(root, "cells"), 1), "summary"), "speedup")));
		json_decref(root);
		unlink(copy);
		unlink(json);
		free(copy);
		free(json);
	}
	unlink(path);
	free(path);
}

static void test_compare_bad_files(void)
{
	const char *cells[] = { "serial+none", NULL };
	const double walls[][6] = { { 1, 2, 3 } };
	char *other = results_file("conclab-results/9", cells, walls);
	char *good = results_file("conclab-results/1", cells, walls);
	char *broken = cl_test_write_file(".json", "{\n  \"schema\": \"conclab-results/1\",\n  \"cells\": [\n");
	char *nocells = cl_test_write_file(".json", "{ \"schema\": \"conclab-results/1\" }");
	char err[512], *out, want[1024];
	struct cl_results r;

	CU_ASSERT_EQUAL(cl_results_load(&r, other, err, sizeof err), -1);
	cl_results_free(&r);
	snprintf(want, sizeof want, "%s: schema is 'conclab-results/9', this conclab reads conclab-results/1", other);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_EQUAL(cl_results_load(&r, broken, err, sizeof err), -1);
	cl_results_free(&r);
	snprintf(want, sizeof want, "%s:4:", broken);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not valid JSON"));
	CU_ASSERT_EQUAL(cl_results_load(&r, nocells, err, sizeof err), -1);
	cl_results_free(&r);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no \"cells\" array"));
	CU_ASSERT_EQUAL(cl_results_load(&r, "/nonexistent.json", err, sizeof err), -1);
	cl_results_free(&r);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent.json"));

	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' compare '%s' '%s'", BIN, good, other), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "schema is 'conclab-results/9'"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' report '%s' --markdown", BIN, broken), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "not valid JSON"));
	free(out);
	cl_test_sh(NULL, "rm -f '%s' '%s' '%s' '%s'", other, good, broken, nocells);
	free(other);
	free(good);
	free(broken);
	free(nocells);
}

static const struct cl_results_cell *cell_named(const struct cl_results *r, const char *label)
{
	for (size_t i = 0; i < r->ncells; i++)
		if (!strcmp(r->cells[i].label, label))
			return &r->cells[i];
	return NULL;
}

/* Results with mpi cells (configs/seed-table-mpi.cfg, measured here): a
 * fourth column, its speed-ups with and without starting the ranks, each
 * against serial's median wall time on the same workload. */
static void test_seed_table_mpi_column(void)
{
	char err[512], *buf = NULL, want[256];
	size_t len = 0;
	struct cl_results r;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, CL_TEST_SOURCE_DIR "/tests/fixtures/results/seed-table-mpi.json",
					      err, sizeof err), 0);
	f = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL(cl_view_seed_table(f, &r, false, err, sizeof err), 0);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| Asynchronous (async) | Message passing (mpi) |\n|---|---|---|---|---|\n"));
	const char *workloads[] = { "io", "cpu" }, *rows[] = { "I/O-bound", "CPU-bound" };

	for (int w = 0; w < 2; w++) {
		char serial[64], mpi[64];

		snprintf(serial, sizeof serial, "%s: serial+none", workloads[w]);
		snprintf(mpi, sizeof mpi, "%s-mpi: mpi+rma-none", workloads[w]);
		const struct cl_results_cell *s = cell_named(&r, serial), *m = cell_named(&r, mpi);

		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		double whole = s->summary.wall.median / m->summary.wall.median;
		double run = s->summary.wall.median /
			     (m->summary.wall.median - (m->summary.resp_p50_ns - m->summary.p50_ns));

		snprintf(want, sizeof want, "| Speed-up, %s (vs serial) |", rows[w]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(buf, want));
		/* and beside it, the noise of the cells it comes from */
		snprintf(want, sizeof want, "| %.2fx (%.2fx once its ranks run) [3] [!: mpi: cv %.0f%%] |\n",
			 whole, run, 100 * m->summary.wall.cv);
		CU_ASSERT_PTR_NOT_NULL(strstr(strstr(buf, rows[w]), want));
		CU_ASSERT(run > whole);
	}
	/* its counter rows are rma-none's and rma-lock's */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| exact 2000000 [2] | lost "));
	/* one of rma-none's six trials lost nothing: said */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| lost 14230 of 40000, exact 1/6 |\n| Shared counter, mutex |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| exact 2000000 | exact 40000 |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "[3] Message passing (mpi): each task's rank"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\n[!] The figure beside it comes from cells not all of whose "
					   "trials were whole and fair"));
	free(buf);

	/* a cell with no ok trial is not measured, never 0.0 cores or 0.00x */
	for (size_t i = 0; i < r.ncells; i++)
		if (!strcmp(r.cells[i].label, "cpu-mpi: mpi+rma-none"))
			r.cells[i].summary.ok = 0;
	buf = NULL;
	f = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL(cl_view_seed_table(f, &r, false, err, sizeof err), 0);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "(single-core) | not measured |\n| Suitable for |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| I/O-bound | not measured |\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "x | not measured |\n| Shared counter, no lock"));
	CU_ASSERT_PTR_NULL(strstr(buf, "0.00x"));
	free(buf);
	cl_results_free(&r);
}

/* Results with Python cells (configs/seed-table.cfg, measured here): each
 * model's Python column beside its C one, its speed-ups against py-serial's
 * median on the same Python workload, and the GIL's footnote naming the
 * interpreter the results record. */
static void test_seed_table_python_columns(void)
{
	char err[512], *buf = NULL, want[256];
	size_t len = 0;
	struct cl_results r;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, CL_TEST_SOURCE_DIR "/tests/fixtures/results/seed-table-py.json",
					      err, sizeof err), 0);
	f = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL(cl_view_seed_table(f, &r, false, err, sizeof err), 0);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| Feature | Threading (threads) | Threading (py-threads) | "
					   "Multiprocessing (processes) | Multiprocessing (py-processes) | "
					   "Asynchronous (async) | Asynchronous (py-asyncio) |\n"));
	const char *models[] = { "py-threads", "py-processes", "py-asyncio" };
	const struct cl_results_cell *io_base = cell_named(&r, "py-io: py-serial+none");
	const struct cl_results_cell *cpu_base = cell_named(&r, "py-cpu: py-serial+none");

	CU_ASSERT_PTR_NOT_NULL_FATAL(io_base);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cpu_base);
	char *io_row = strstr(buf, "| Speed-up, I/O-bound (vs serial) |");
	char *cpu_row = strstr(buf, "| Speed-up, CPU-bound (vs serial) |");

	CU_ASSERT_PTR_NOT_NULL_FATAL(io_row);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cpu_row);
	for (int m = 0; m < 3; m++) {
		char label[64];

		snprintf(label, sizeof label, "py-io: %s+none", models[m]);
		const struct cl_results_cell *io = cell_named(&r, label);

		snprintf(label, sizeof label, "py-cpu: %s+none", models[m]);
		const struct cl_results_cell *cpu = cell_named(&r, label);

		CU_ASSERT_PTR_NOT_NULL_FATAL(io);
		CU_ASSERT_PTR_NOT_NULL_FATAL(cpu);
		snprintf(want, sizeof want, "| %.2fx", io_base->summary.wall.median / io->summary.wall.median);
		CU_ASSERT_PTR_NOT_NULL(strstr(io_row, want));
		snprintf(want, sizeof want, "| %.2fx", cpu_base->summary.wall.median / cpu->summary.wall.median);
		CU_ASSERT_PTR_NOT_NULL(strstr(cpu_row, want));
	}
	/* the GIL: py-threads on one core, said with the interpreter's version */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| 1.0 core on CPU-bound work (single-core) [4]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "[4] py-threads ran the CPU-bound steps, an LCG loop in Python, "
					   "on 1.0 core: Python threads take turns holding the GIL, so only "
					   "one runs Python code at a time (CPython 3.11."));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "[1] The tutorial says threading is \"Single-core (due to GIL)\". "
					   "That is CPython's Global Interpreter Lock: C threads have none"));
	/* counters: py-threads lost none here, py-processes did */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| exact 2000000 [5] |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "py-processes, one GIL each, lost updates."));
	free(buf);
	cl_results_free(&r);
}

static void test_seed_table(void)
{
	char err[512], *buf = NULL;
	size_t len = 0;
	struct cl_results r;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, SEED_RESULTS, err, sizeof err), 0);
	f = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL(cl_view_seed_table(f, &r, false, err, sizeof err), 0);
	fclose(f);
	/* the figures of that one run, as the fixture recorded them */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| CPU usage | 2.0 cores on CPU-bound work (multi-core) [1] | "
					   "2.0 cores on CPU-bound work (multi-core) | 1.0 core on "
					   "CPU-bound work (single-core) |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| Speed-up, I/O-bound (vs serial) | 2.00x | 2.00x | 2.00x |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| Speed-up, CPU-bound (vs serial) | 1.97x | 1.97x | 1.02x |"));
	/* results from before the workload "net" existed */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| Speed-up, I/O-bound network (vs serial) | not measured | "
				       "not measured | not measured |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| Shared counter, no lock | lost 957526 of 2000000 | "
					   "lost 959994 of 2000000 | exact 2000000 [2] |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| Shared counter, mutex | exact 2000000 | exact 2000000 | "
					   "exact 2000000 |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "[1] The tutorial says threading is \"Single-core (due to GIL)\""));
	CU_ASSERT_PTR_NULL(strstr(buf, "mpi")); /* no mpi cells: the seed's three columns */
	free(buf);

	/* results without the seed's workloads: a reason, not a table */
	free(r.cells[0].workload);
	r.cells[0].workload = strdup("renamed");
	buf = NULL;
	f = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL(cl_view_seed_table(f, &r, false, err, sizeof err), -1);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "configs/seed-table.cfg"));
	free(buf);
	cl_results_free(&r);
}

static void test_markdown_and_svg(void)
{
	char err[512], *md, *svg, *out;
	struct cl_results r;
	char *dir = cl_test_temp_dir();

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, SEED_RESULTS, err, sizeof err), 0);
	md = cl_view_text(cl_view_markdown, &r);
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| io: threads+none |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| race: processes+mutex |"));
	svg = cl_view_text(cl_view_bars_svg, &r);
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, "wall time (s)"));
	CU_ASSERT_EQUAL(cl_view_has_sweep(&r), 0);

	/* every file the verb writes is well-formed XML (xmllint) */
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' report '%s' --svg '%s/bars.svg' --html '%s/page.html' "
				   "--seed-table", BIN, SEED_RESULTS, dir, dir), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "| Shared counter, mutex |"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "xmllint --noout '%s/bars.svg'", dir), 0);
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "xmllint --html --noout '%s/page.html'", dir), 0);
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "grep -c '<svg' '%s/page.html'", dir), 0);
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "grep -q 'name = \"seed-table\"' '%s/page.html'", dir), 0);
	free(out);
	/* no sweep: says so, exit 2 */
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' report '%s' --sweep-svg '%s/s.svg'", BIN, SEED_RESULTS,
				   dir), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "has no swept setting to chart"));
	free(out);
	cl_test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
	free(md);
	free(svg);
	cl_results_free(&r);
}

/* A swept experiment really run, charted as lines. */
static void test_sweep_chart(void)
{
	char *dir = cl_test_temp_dir(), *out;
	char *cfg = cl_test_write_file(".cfg",
		"name = \"sweep\"; repeat = 2;\n"
		"workload = { tasks = [1, 2, 4]; steps = ( { op = \"compute\"; iterations = 1000; } ); };\n"
		"strategies = ( \"serial\", \"threads\" ); syncs = ( \"none\" );\n");

	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --quiet --json '%s/r.json'", BIN, cfg, dir), 0);
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' report '%s/r.json' --sweep-svg '%s/s.svg'", BIN, dir, dir), 0);
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "xmllint --noout '%s/s.svg'", dir), 0);
	free(out);
	/* two lines of three dots, ticks 1 2 4 once each */
	CU_ASSERT_EQUAL(cl_test_sh(&out, "grep -c '<polyline' '%s/s.svg' | tr -d '\\n'; echo -n ' '; "
				   "grep -o '<circle' '%s/s.svg' | wc -l", dir, dir), 0);
	CU_ASSERT_STRING_EQUAL(out, "2 6\n");
	free(out);
	cl_test_sh(NULL, "rm -rf '%s' '%s'", dir, cfg);
	free(dir);
	free(cfg);
}

#define HOSTILE_RESULTS CL_TEST_SOURCE_DIR "/tests/fixtures/results/hostile.json"

/* The first character of `text` that a terminal acts on instead of showing,
 * and that XML 1.0 forbids: a C0 control (but newline and tab), DEL, a C1
 * control (UTF-8 C2 80-9F) or the bidi override U+202E (E2 80 AE) that the
 * hostile results file holds; NULL when there is none. */
static const char *control_char(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) ||
		    (p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0xae))
			return (const char *)p;
	return NULL;
}

/* A rendering of the hostile results file holds its text, escaped: no
 * markup of its own, no control character. */
static void expect_inert(const char *what, const char *text)
{
	const char *ctl = control_char(text);

	if (ctl)
		fprintf(stderr, "\n%s: control character 0x%02x at byte %td\n", what, (unsigned char)*ctl,
			ctl - text);
	CU_ASSERT_PTR_NULL(ctl);
	CU_ASSERT_PTR_NULL(strstr(text, "<img"));
	CU_ASSERT_PTR_NULL(strstr(text, "<script"));
	CU_ASSERT_PTR_NULL(strstr(text, "</script"));
	CU_ASSERT_PTR_NULL(strstr(text, "<b>"));
	/* and shows it: the payload as text */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "&lt;img src=x onerror="));
}

static char *slurp(const char *dir, const char *name)
{
	char *out = NULL;

	CU_ASSERT_EQUAL(cl_test_sh(&out, "cat '%s/%s'", dir, name), 0);
	return out;
}

/* Every string of tests/fixtures/results/hostile.json (names, labels,
 * sweep keys, a plugin's version and kind, the machine's fields, messages,
 * the config) holds markup that would run script, quotes, ESC, BEL, 0x01,
 * DEL, a C1 control and a bidi override: each report shows it as text. */
static void test_hostile_strings_escaped(void)
{
	static const char *const svgs[] = { "bars.svg", "sweep.svg", "fair.svg", "timeline.svg" };
	static const char *const shown[] = { "experiment-name", "description", "interrupted",
					      "plugin-version", "plugin-kind", "plugin-path",
					      "cpu_model", "hostname", "environment-key", "warnings",
					      "sync-a", "strategy", "workload", "sweep-key",
					      "string-value", "message", "config" };
	char *dir = cl_test_temp_dir(), *out, *text;

	CU_ASSERT_EQUAL_FATAL(cl_test_sh(&out, "'%s' report '%s' --svg '%s/bars.svg' --sweep-svg "
					 "'%s/sweep.svg' --fair-svg '%s/fair.svg' --timeline-svg "
					 "'%s/timeline.svg' --html '%s/page.html'", BIN, HOSTILE_RESULTS,
					 dir, dir, dir, dir, dir), 0);
	free(out);
	for (size_t i = 0; i < sizeof svgs / sizeof *svgs; i++) {
		/* XML 1.0 forbids C0 controls even escaped: one makes the chart unreadable */
		CU_ASSERT_EQUAL(cl_test_sh(&out, "xmllint --noout '%s/%s'", dir, svgs[i]), 0);
		free(out);
		text = slurp(dir, svgs[i]);
		expect_inert(svgs[i], text);
		free(text);
	}
	text = slurp(dir, "page.html");
	expect_inert("html", text);
	for (size_t i = 0; i < sizeof shown / sizeof *shown; i++) {
		if (!strstr(text, shown[i]))
			fprintf(stderr, "\nhtml: '%s' not shown\n", shown[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(text, shown[i]));
	}
	free(text);
	/* Markdown: no link, code span or cell break of the file's own */
	CU_ASSERT_EQUAL(cl_test_sh(&text, "'%s' report '%s'", BIN, HOSTILE_RESULTS), 0);
	expect_inert("markdown", text);
	CU_ASSERT_PTR_NULL(strstr(text, "[link]("));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\\[link\\]("));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "interrupted; only its finished trials"));
	for (const char *l = strstr(text, "\n| "); l; l = strstr(l + 1, "\n| ")) {
		int bars = 0;

		for (const char *c = l + 1; *c && *c != '\n'; c++)
			bars += *c == '|' && c[-1] != '\\';
		CU_ASSERT_EQUAL(bars, 10); /* 9 columns: a timed cell's figures too */
	}
	free(text);
	cl_test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}

/* A workload named with ESC and BEL is refused where it is written (file and
 * line), never sent to the terminal; and a results file that holds such
 * names (as conclab wrote them before) is read back by report and compare,
 * which show each control character as '?'. */
static void test_control_characters_never_sent(void)
{
	char *cfg = cl_test_write_file(".cfg",
		"name = \"esc\"; repeat = 1;\n"
		"workloads = ( { name = \"a\\x1b[31mb\\x07\"; tasks = 1;\n"
		"                steps = ( { op = \"compute\"; iterations = 1000; } ); } );\n"
		"strategies = ( \"serial\" ); syncs = ( \"none\" );\n");
	char *out, want[512];

	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --quiet", BIN, cfg), 2);
	snprintf(want, sizeof want, "%s:2: workloads[0]: a name of printable characters", cfg);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
	CU_ASSERT_PTR_NULL(control_char(out));
	free(out);
	/* hostile.json: labels and the baselines naming them hold ESC, BEL... */
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' report '%s' --table --wide", BIN, HOSTILE_RESULTS), 0);
	CU_ASSERT_PTR_NULL(control_char(out));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "?[31mred"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' compare '%s' '%s'", BIN, HOSTILE_RESULTS, HOSTILE_RESULTS), 0);
	CU_ASSERT_PTR_NULL(control_char(out));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "?[31mred"));
	free(out);
	unlink(cfg);
	free(cfg);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "median, mean, sd, cv, quartiles by hand", test_summary },
		{ "order-statistic interval for the median", test_median_interval },
		{ "outliers beyond 1.5 IQR", test_outliers },
		{ "Mann-Whitney U: exact, ties, empty", test_mann_whitney },
		{ "compare: 2x slower is significant, the same is not, only-in lists", test_compare_verdicts },
		{ "compare and report: schema, JSON and file errors", test_compare_bad_files },
		{ "a results file's figures are checked when it is read", test_results_file_checked },
		{ "compare refuses other experiments, matches whole workloads, says inconclusive",
		  test_compare_refuses_what_it_cannot_judge },
		{ "the seed table from a fixed results file", test_seed_table },
		{ "the seed table with an mpi column, from a fixed results file", test_seed_table_mpi_column },
		{ "the seed table in C and Python side by side, from a fixed results file",
		  test_seed_table_python_columns },
		{ "markdown, bars SVG and HTML are well-formed", test_markdown_and_svg },
		{ "a sweep becomes a line chart", test_sweep_chart },
		{ "markup and control characters in every string: shown as text in HTML, SVG, Markdown",
		  test_hostile_strings_escaped },
		{ "ESC and BEL in names: refused at load, never sent, read back from a results file",
		  test_control_characters_never_sent },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("report", tests);
}
