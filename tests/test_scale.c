/* Big inputs give right answers and bounded output: tens of thousands of
 * cells linked to their baselines, thousands of plugins compared, and a
 * label of a megabyte in compare and --vs. The results are checked, and
 * the work it took is counted (string comparisons), never timed. */
#define _GNU_SOURCE
#include "testlib.h"

#include "compare.h"
#include "views.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NCELLS   20000
#define NPLUGINS 10000

/* Every strcmp() of the code under test, counted (this suite is linked with
 * --wrap=strcmp): a search that grows with the square of the input shows
 * in the count the same on any machine at any speed, where a time limit
 * would not. Linear work makes a few per item. */
#define LINEAR(n) (20 * (size_t)(n))
static size_t strcmps;
int __real_strcmp(const char *a, const char *b);
int __wrap_strcmp(const char *a, const char *b);

int __wrap_strcmp(const char *a, const char *b)
{
	strcmps++;
	return __real_strcmp(a, b);
}

/* One cell of a results file, with three ok trials of `wall` ns. */
static json_t *cell(const char *label, const char *baseline, double wall)
{
	json_t *trials = json_array(), *c;

	for (int t = 0; t < 3; t++)
		json_array_append_new(trials, json_pack("{ss sb sI s{} s{}}", "status", "ok", "warmup", 0,
							"wall_ns", (json_int_t)(wall + t), "latency_ns",
							"counter"));
	c = json_pack("{ss ss ss s{} so}", "label", label, "strategy", label, "sync", "none", "params",
		      "trials", trials);
	if (baseline)
		json_object_set_new(c, "baseline", json_string(baseline));
	return c;
}

/* A results file of these cells and plugins (the environment's), loaded;
 * how many strcmp() loading it took. */
static size_t load(struct cl_results *r, json_t *cells, json_t *plugins)
{
	json_t *root = json_pack("{ss s{ss sI sI} so s{so}}", "schema", "conclab-results/1",
				 "experiment", "name", "scale", "repeat", (json_int_t)3, "warmup",
				 (json_int_t)0, "cells", cells, "environment", "plugins",
				 plugins ? plugins : json_array());
	char *path = cl_test_write_file(".json", ""), err[1024];
	size_t before;
	int rc;

	CU_ASSERT_EQUAL_FATAL(json_dump_file(root, path, JSON_COMPACT), 0);
	json_decref(root);
	before = strcmps;
	rc = cl_results_load(r, path, err, sizeof err);
	if (rc)
		fprintf(stderr, "\n%s\n", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	unlink(path);
	free(path);
	return strcmps - before;
}

/* 20,000 cells, in groups of ten measured against the group's first: each
 * linked to the right one; a label twice: the first is the baseline. */
static void test_link_baselines_many_cells(void)
{
	json_t *cells = json_array();
	struct cl_results r;
	size_t wrong = 0;
	char label[32], base[32];

	for (size_t i = 0; i < NCELLS; i++) {
		snprintf(label, sizeof label, "s%zu", i);
		snprintf(base, sizeof base, "s%zu", i - i % 10);
		json_array_append_new(cells, cell(label, i == NCELLS - 1 ? NULL : base, 100));
	}
	json_array_append_new(cells, cell("s10", NULL, 100)); /* s10 again */
	json_array_append_new(cells, cell("last", "s10", 100));
	CU_ASSERT(load(&r, cells, NULL) < LINEAR(NCELLS));
	CU_ASSERT_EQUAL_FATAL(r.ncells, NCELLS + 2);
	for (size_t i = 0; i + 1 < NCELLS; i++)
		wrong += r.cells[i].baseline != i - i % 10;
	CU_ASSERT_EQUAL(wrong, 0);
	CU_ASSERT_EQUAL(r.cells[NCELLS - 1].baseline, NCELLS - 1); /* none: its own */
	CU_ASSERT_EQUAL(r.cells[NCELLS].baseline, NCELLS);
	CU_ASSERT_EQUAL(r.cells[NCELLS + 1].baseline, 10);
	cl_results_free(&r);
}

/* A baseline that is no cell: the same error as ever. */
static void test_missing_baseline(void)
{
	json_t *cells = json_pack("[oo]", cell("a", NULL, 1), cell("b", "nope", 1));
	json_t *root = json_pack("{ss s{ss} so}", "schema", "conclab-results/1", "experiment", "name",
				 "x", "cells", cells);
	char *path = cl_test_write_file(".json", ""), err[1024], want[1200];
	struct cl_results r;

	CU_ASSERT_EQUAL(json_dump_file(root, path, 0), 0);
	json_decref(root);
	CU_ASSERT_EQUAL(cl_results_load(&r, path, err, sizeof err), -1);
	cl_results_free(&r);
	snprintf(want, sizeof want, "%s: cell 'b' is measured against 'nope', which is not a cell "
		 "of this file", path);
	CU_ASSERT_STRING_EQUAL(err, want);
	unlink(path);
	free(path);
}

/* 10,000 plugins on each side: every 7th has a new version, one is only in
 * the old file, one only in the new, one twice in the new with two
 * versions. The changes are listed in the old file's order, as before. */
static void test_compare_many_plugins(void)
{
	json_t *old_plugins = json_array(), *new_plugins = json_array();
	struct cl_results a, b;
	struct cl_compare_counts counts;
	char *buf = NULL, *want = NULL, name[32];
	size_t len = 0, wlen = 0;
	FILE *out = open_memstream(&buf, &len), *expect = open_memstream(&want, &wlen);

	fprintf(expect, "compare: old -> new\n");
	for (size_t k = 0; k < NPLUGINS; k++) {
		snprintf(name, sizeof name, "p%zu", k);
		json_array_append_new(old_plugins, json_pack("{ss ss}", "name", name, "version", "1.0"));
		json_array_append_new(new_plugins, json_pack("{ss ss}", "name", k == 5 ? "gone" : name,
							     "version", k % 7 ? "1.0" : "2.0"));
		if (k % 7 == 0)
			fprintf(expect, "plugin %s: version 1.0 -> 2.0\n", name);
		if (k == 6) { /* p6 again, changed */
			json_array_append_new(new_plugins, json_pack("{ss ss}", "name", "p6", "version", "3.0"));
			fprintf(expect, "plugin p6: version 1.0 -> 3.0\n");
		}
	}
	fclose(expect);
	load(&a, json_pack("[o]", cell("serial", NULL, 100)), old_plugins);
	load(&b, json_pack("[o]", cell("serial", NULL, 100)), new_plugins);
	strcmps = 0;
	cl_compare(out, "old", &a, "new", &b, NULL, &counts);
	fclose(out);
	CU_ASSERT(strcmps < LINEAR(NPLUGINS));
	CU_ASSERT_EQUAL(strncmp(buf, want, wlen), 0);
	CU_ASSERT_EQUAL(strncmp(buf + wlen, "significant:", 12), 0); /* and no other plugin line */
	CU_ASSERT_EQUAL(counts.matched, 1);
	free(buf);
	free(want);
	cl_results_free(&a);
	cl_results_free(&b);
}

static size_t occurrences(const char *text, const char *what)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

/* A label of a megabyte: compare's output stays small (the row cut, the
 * whole label said once and itself cut), never a megabyte per row. */
static void test_compare_long_label(void)
{
	size_t big = 1 << 20;
	char *label = malloc(big + 1), *other, *buf = NULL;
	size_t len = 0;
	struct cl_results a, b;
	struct cl_compare_counts counts;
	FILE *out = open_memstream(&buf, &len);

	memset(label, 'L', big);
	label[big] = 0;
	memcpy(label, "head-", 5);
	load(&a, json_pack("[ooo]", cell(label, NULL, 100), cell("short", NULL, 100),
			   cell("only-old", NULL, 100)), NULL);
	other = strdup(label);
	other[0] = 'n'; /* a second long label, only in the new file */
	load(&b, json_pack("[ooo]", cell(label, NULL, 100), cell("short", NULL, 100),
			   cell(other, NULL, 100)), NULL);
	cl_compare(out, "old", &a, "new", &b, NULL, &counts);
	fclose(out);
	CU_ASSERT(len < 64 * 1024);
	/* never whole: a megabyte is no label to read */
	CU_ASSERT_PTR_NULL(strstr(buf, label));
	CU_ASSERT_PTR_NULL(strstr(buf, other));
	CU_ASSERT_EQUAL(counts.matched, 2);
	CU_ASSERT_EQUAL(counts.only_old, 1);
	CU_ASSERT_EQUAL(counts.only_new, 1);
	/* the rows: the labels' first characters, cut, then each said once */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nhead-LLLL"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\n  nead-LLLL"));
	CU_ASSERT_EQUAL(occurrences(buf, "the whole label: head-"), 1);
	CU_ASSERT_EQUAL(occurrences(buf, "the whole label: nead-"), 1);
	CU_ASSERT_EQUAL(occurrences(buf, "(1048576 bytes in all)"), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nshort  "));
	free(buf);
	free(label);
	free(other);
	cl_results_free(&a);
	cl_results_free(&b);
}

/* A label of 200 characters: cut to 60 in compare's row and in every --vs
 * line, said whole exactly once in each. */
static void test_long_label_whole_once(void)
{
	char label[201], row[96], *buf = NULL;
	size_t len = 0;
	struct cl_results a;
	struct cl_compare_counts counts;
	FILE *out;

	for (int i = 0; i < 200; i++)
		label[i] = (char)('a' + i % 26);
	label[200] = 0;
	snprintf(row, sizeof row, "%.57s...  ", label);
	load(&a, json_pack("[ooo]", cell(label, NULL, 100), cell("fast", label, 50),
			   cell("faster", label, 25)), NULL);
	out = open_memstream(&buf, &len);
	cl_compare(out, "old", &a, "new", &a, NULL, &counts);
	fclose(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, row));
	CU_ASSERT_EQUAL(occurrences(buf, label), 1);
	free(buf);

	buf = NULL;
	out = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL(cl_view_vs(out, &a, label), 0);
	fclose(out);
	snprintf(row, sizeof row, "than %.57s... (", label);
	CU_ASSERT_EQUAL(occurrences(buf, row), 2); /* fast and faster against it */
	CU_ASSERT_EQUAL(occurrences(buf, label), 1);
	for (char *line = buf, *end; (end = strchr(line, '\n')); line = end + 1)
		CU_ASSERT(end - line < 300);
	free(buf);
	cl_results_free(&a);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "20,000 cells each linked to its baseline", test_link_baselines_many_cells },
		{ "a baseline that is no cell is refused, as ever", test_missing_baseline },
		{ "10,000 plugins: compare lists every change, in order", test_compare_many_plugins },
		{ "a label of a megabyte: compare prints less than 64 KB", test_compare_long_label },
		{ "a long label is cut in rows and said whole once", test_long_label_whole_once },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("scale", tests);
}
